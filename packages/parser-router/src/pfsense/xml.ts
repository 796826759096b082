import { SaxesParser, type SaxesTagPlain } from 'saxes';

/*
 * Reads config.xml with saxes, a strict streaming XML parser that reports positions, into a small
 * element tree: only the sections the caller keeps (the rest of a large config — RRD data,
 * certificates, packages — is skipped as it streams past). saxes never expands an entity the
 * document declares (no "billion laughs") and never fetches an external one: such a reference is an
 * XML error. The first XML error ends the reading, as XML's fatal errors do; what was read before
 * it is kept. Nesting deeper than `maxDepth` also ends it, so no later walk can exhaust the stack.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** 1-based line and column of the element's `<`. */
  line: number;
  column: number;
  /** The line of the end of the element (its closing tag, or `/>`). */
  endLine: number;
  /** The element's own text and CDATA, as written (entities decoded), without its children's. */
  text: string;
  children: XmlElement[];
  /** False for an element the reading stopped inside (a file cut short): it may lack children. */
  complete: boolean;
}

/** A comment that may hold a suppression, with the line of its first character. */
export interface XmlComment {
  text: string;
  line: number;
}

export interface XmlReadError {
  line: number;
  column?: number;
  message: string;
}

export interface XmlDocument {
  /** The root element, holding only the subtrees that were kept. */
  root?: XmlElement;
  comments: XmlComment[];
  error?: XmlReadError;
}

export interface XmlReadOptions {
  /** Whether to build the subtree of an element, from its path below the root (`['filter', 'rule']`). */
  keep(path: readonly string[]): boolean;
  /** Comments worth keeping (the others are dropped as they stream past). */
  keepComment(text: string): boolean;
  maxDepth: number;
}

/** Thrown from saxes' handlers to stop reading. */
class StopReading extends Error {}

interface Frame {
  name: string;
  /** Undefined for an element whose subtree is skipped. */
  element?: XmlElement;
}

export function readXml(text: string, options: XmlReadOptions): XmlDocument {
  const doc: XmlDocument = { comments: [] };
  const stack: Frame[] = [];
  const path: string[] = [];
  const xml = new SaxesParser<{ position: true; xmlns: false }>({ position: true, xmlns: false });
  let tagLine = 1;
  let tagColumn = 1;

  const stop = (message: string, line = xml.line, column?: number): never => {
    const error: XmlReadError = { line: Math.max(line, 1), message };
    if (column !== undefined) error.column = column;
    doc.error = error;
    throw new StopReading(message);
  };

  xml.on('opentagstart', (tag) => {
    tagLine = xml.line;
    // saxes has read the name and the character after it (zero-based columns): back to the `<`.
    tagColumn = Math.max(xml.column - tag.name.length - 1, 1);
  });
  xml.on('opentag', (tag: SaxesTagPlain) => {
    const parent = stack[stack.length - 1];
    if (stack.length >= options.maxDepth) stop(`elements are nested more than ${options.maxDepth} deep`, tagLine, tagColumn);
    let element: XmlElement | undefined;
    if (parent === undefined || parent.element !== undefined) {
      if (parent !== undefined) path.push(tag.name);
      const keep = parent === undefined || options.keep(path);
      if (parent !== undefined) path.pop();
      if (keep) {
        element = { name: tag.name, attributes: { ...tag.attributes }, line: tagLine, column: tagColumn, endLine: tagLine, text: '', children: [], complete: false };
        if (parent?.element) parent.element.children.push(element);
        else doc.root = element;
      }
    }
    if (parent !== undefined) path.push(tag.name);
    const frame: Frame = { name: tag.name };
    if (element) frame.element = element;
    stack.push(frame);
  });
  xml.on('closetag', () => {
    const frame = stack.pop();
    if (stack.length > 0) path.pop();
    if (frame?.element) {
      frame.element.endLine = xml.line;
      frame.element.complete = true;
    }
  });
  const addText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top?.element) top.element.text += t;
  };
  xml.on('text', addText);
  xml.on('cdata', addText);
  xml.on('comment', (comment) => {
    if (!options.keepComment(comment)) return;
    // The event comes at the comment's end; its first line is as many lines up as it has breaks.
    let breaks = 0;
    for (let i = 0; i < comment.length; i++) if (comment.charCodeAt(i) === 0x0a) breaks++;
    doc.comments.push({ text: comment, line: Math.max(xml.line - breaks, 1) });
  });
  xml.on('error', (error) => stop(`not well-formed XML: ${error.message.replace(/^\d+:\d+: /, '')}`, xml.line, xml.column + 1));

  try {
    xml.write(text).close();
  } catch (error) {
    if (!(error instanceof StopReading)) {
      doc.error = { line: Math.max(xml.line, 1), message: `the XML reader failed: ${String(error)}` };
    }
  }
  return doc;
}

/** The element's text without surrounding white space. */
export function textOf(element: XmlElement): string {
  return element.text.trim();
}

/** The first child of that name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export * from "./generators.js";

#!/usr/bin/env bash
# The scan step of action.yml. Runs the CLI with the action's inputs (PORTCULLIS_* variables): the
# report for the log, then the SARIF file and the job summary when asked. The exit code becomes the
# step's `exit-code` output instead of failing the step, so that the SARIF upload still runs; the
# action's last step fails the job with it.
set -uo pipefail

cli="${GITHUB_ACTION_PATH:?}/packages/cli/bin/portcullis.js"

# Paths are split on white space; globbing stays off so that `*` reaches no shell.
set -f
# shellcheck disable=SC2206
paths=(${PORTCULLIS_PATHS:-.})
set +f
[ ${#paths[@]} -gt 0 ] || paths=(.)

common=()
[ -n "${PORTCULLIS_CONFIG:-}" ] && common+=(--config "$PORTCULLIS_CONFIG")
[ -n "${PORTCULLIS_BASELINE:-}" ] && common+=(--baseline "$PORTCULLIS_BASELINE")
[ -n "${PORTCULLIS_CHANGED_SINCE:-}" ] && common+=(--changed-since "$PORTCULLIS_CHANGED_SINCE")

# Rule docs links point at this action's own copy of docs/rules: owner/repo@ref when the workflow
# names the action so, or this repository at this commit when it runs the action from a folder here.
if [ -z "${PORTCULLIS_DOCS_URL:-}" ]; then
  server="${GITHUB_SERVER_URL:-https://github.com}"
  case "$GITHUB_ACTION_PATH" in
    */_actions/*/*/*)
      rest="${GITHUB_ACTION_PATH#*/_actions/}"
      owner="${rest%%/*}"
      rest="${rest#*/}"
      repo="${rest%%/*}"
      ref="${rest#*/}"
      export PORTCULLIS_DOCS_URL="$server/$owner/$repo/blob/$ref/docs/rules"
      ;;
    *)
      if [ -n "${GITHUB_WORKSPACE:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
        case "$GITHUB_ACTION_PATH/" in
          "$GITHUB_WORKSPACE"/*)
            sub="${GITHUB_ACTION_PATH#"$GITHUB_WORKSPACE"}"
            export PORTCULLIS_DOCS_URL="$server/$GITHUB_REPOSITORY/blob/$GITHUB_SHA${sub%/}/docs/rules"
            ;;
        esac
      fi
      ;;
  esac
fi

code=0
node "$cli" scan "${paths[@]}" ${common[@]+"${common[@]}"} --format "${PORTCULLIS_FORMAT:-github}" --fail-on "${PORTCULLIS_FAIL_ON:-high}" || code=$?

if [ "${PORTCULLIS_UPLOAD_SARIF:-false}" = "true" ]; then
  sarif="${PORTCULLIS_SARIF_FILE:-portcullis.sarif}"
  node "$cli" scan "${paths[@]}" ${common[@]+"${common[@]}"} --format sarif --output "$sarif" --fail-on none >/dev/null || true
  case "$sarif" in
    /*) ;;
    *) sarif="$(pwd)/$sarif" ;;
  esac
  if [ -f "$sarif" ]; then
    echo "sarif-file=$sarif" >>"${GITHUB_OUTPUT:-/dev/null}"
  fi
fi

if [ "${PORTCULLIS_STEP_SUMMARY:-true}" = "true" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  node "$cli" scan "${paths[@]}" ${common[@]+"${common[@]}"} --format markdown --fail-on none >>"$GITHUB_STEP_SUMMARY" || true
fi

echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"
exit 0

#!/usr/bin/env node
// Validate a .glb/.gltf file with the Khronos glTF validator and print its JSON report on stdout.
// Usage: node validate.js FILE [--max-issues N]
// Exit status: 0 when the report has no errors, 1 when it has errors, 2 when the file cannot be read
// or the validator rejects it outright.
"use strict";
const fs = require("fs");
const path = require("path");
const validator = require("gltf-validator");

const args = process.argv.slice(2);
if (args.length < 1) {
  console.error("usage: node validate.js FILE [--max-issues N]");
  process.exit(2);
}
const file = path.resolve(args[0]);
const maxIdx = args.indexOf("--max-issues");
const maxIssues = maxIdx >= 0 ? parseInt(args[maxIdx + 1], 10) : 100;

let bytes;
try {
  bytes = new Uint8Array(fs.readFileSync(file));
} catch (err) {
  console.error(`cannot read ${file}: ${err.message}`);
  process.exit(2);
}

validator
  .validateBytes(bytes, {
    uri: path.basename(file),
    maxIssues,
    externalResourceFunction: (uri) =>
      new Promise((resolve, reject) => {
        fs.readFile(path.resolve(path.dirname(file), decodeURIComponent(uri)), (err, data) =>
          err ? reject(err.toString()) : resolve(data)
        );
      }),
  })
  .then(
    (report) => {
      process.stdout.write(JSON.stringify(report, null, 2) + "\n");
      process.exit(report.issues.numErrors > 0 ? 1 : 0);
    },
    (err) => {
      console.error(`validator rejected ${file}: ${err}`);
      process.exit(2);
    }
  );

// Independent checks of exilekg's dumps with jsonld.js and N3.js, in one node run.
//
//   node validate.mjs --out-dir DIR FORMAT=FILE ...
//
// JSON-LD=FILE: converts FILE to RDF with jsonld.js in safe mode (anything it would drop or convert
// lossily is an error) and writes the result as N-Quads to DIR/<n>-<name>.nq. jsonld.js keeps its
// default document loader, as a user's would: exilekg's JSON-LD carries its context inline, so
// nothing is loaded.
// N-Triples=FILE, N-Quads=FILE, Turtle=FILE, TriG=FILE: parses FILE with N3.js's parser for exactly
// that format (so N-Triples may not use prefixes and Turtle may not hold named graphs).
// Prints one JSON object on stdout: {"results": [{"file", "check", "ok", "quads", "error", ...}]},
// one result per FORMAT=FILE, in order. Exits 0 when every check ran (whether or not it passed),
// 2 on a usage error.
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import jsonld from "jsonld";
import { Parser } from "n3";

const FORMATS = new Set(["JSON-LD", "N-Triples", "N-Quads", "Turtle", "TriG"]);
const OPTIONS = { "--out-dir": "outDir" };

function usage(message) {
  process.stderr.write(`validate.mjs: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { checks: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg in OPTIONS) {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      args[OPTIONS[arg]] = argv[++i];
    } else if (arg.includes("=")) {
      const at = arg.indexOf("=");
      const format = arg.slice(0, at);
      if (!FORMATS.has(format)) usage(`unknown format ${format} (use one of ${[...FORMATS].join(", ")})`);
      args.checks.push({ format, file: arg.slice(at + 1) });
    } else {
      usage(`unexpected argument ${arg}`);
    }
  }
  if (args.checks.some((c) => c.format === "JSON-LD") && !args.outDir) {
    usage("JSON-LD needs --out-dir");
  }
  return args;
}

function describe(error) {
  const parts = [error?.message ?? String(error)];
  if (error?.details) {
    try {
      parts.push(JSON.stringify(error.details).slice(0, 2000));
    } catch {
      // details that do not serialise are left out
    }
  }
  // jsonld.js wraps its errors; keep the cause's own message.
  for (let cause = error?.details?.cause ?? error?.cause; cause; cause = cause.details?.cause ?? cause.cause) {
    parts.push(`caused by: ${cause.message ?? String(cause)}`);
  }
  return parts.join(" ");
}

async function checkJsonld(args, file, index) {
  const nquadsPath = join(args.outDir, `${index}-${basename(file)}.nq`);
  const result = { file, check: "jsonld.js toRDF (safe mode)", ok: false, quads: 0, error: null };
  try {
    const doc = JSON.parse(readFileSync(file, "utf8"));
    const nquads = await jsonld.toRDF(doc, { format: "application/n-quads", safe: true });
    writeFileSync(nquadsPath, nquads);
    result.quads = nquads.split("\n").filter((line) => line.trim()).length;
    result.nquads = nquadsPath;
    result.ok = true;
  } catch (error) {
    result.error = describe(error);
  }
  return result;
}

function checkSyntax(format, file) {
  const result = { file, check: `N3.js ${format}`, ok: false, quads: 0, error: null };
  try {
    const quads = new Parser({ format }).parse(readFileSync(file, "utf8"));
    result.quads = quads.length;
    result.ok = true;
  } catch (error) {
    result.error = describe(error);
  }
  return result;
}

const args = parseArgs(process.argv.slice(2));
const results = [];
for (const [index, { format, file }] of args.checks.entries()) {
  results.push(format === "JSON-LD" ? await checkJsonld(args, file, index) : checkSyntax(format, file));
}
process.stdout.write(`${JSON.stringify({ versions: { jsonld: jsonldVersion(), n3: n3Version() }, results })}\n`);

function jsonldVersion() {
  return packageVersion("jsonld");
}

function n3Version() {
  return packageVersion("n3");
}

function packageVersion(name) {
  const url = new URL(`./node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).version;
}

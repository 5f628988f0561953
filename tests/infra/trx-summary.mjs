// Reads the TRX files given as arguments and prints:
//   line 1: "<passed> <failed> <skipped>"
//   then one line per distinct skip reason: "skipped<TAB><count><TAB><reason>" (a skip is never silent),
//   then one block per failed test: its name and the first lines of its message.
// Node is on every machine that runs tests/run.sh; no XML package is needed for this flat format.
import { readFileSync } from "node:fs";

const decode = (s) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'")
   .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
   .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
   .replace(/&amp;/g, "&");

const attributes = (tag) => {
  const result = {};
  for (const [, name, value] of tag.matchAll(/([\w:]+)="([^"]*)"/g)) result[name] = decode(value);
  return result;
};

let passed = 0, failed = 0, skipped = 0;
const failures = [];
const skipReasons = new Map();
const firstMessage = (body) => decode(/<Message>([\s\S]*?)<\/Message>/.exec(body)?.[1] ?? "").trim();

for (const file of process.argv.slice(2)) {
  const xml = readFileSync(file, "utf8");
  // <UnitTestResult .../> or <UnitTestResult ...> ... </UnitTestResult>
  for (const [, attrs, selfClosing, body = ""] of xml.matchAll(
    /<UnitTestResult\b([^>]*?)(\/>|>([\s\S]*?)<\/UnitTestResult>)/g)) {
    const { outcome = "", testName = "?" } = attributes(attrs);
    switch (outcome) {
      case "Passed": passed++; break;
      case "NotExecuted": case "Inconclusive": case "Pending": {
        skipped++;
        const reason = firstMessage(body).split("\n")[0] || "(no reason given)";
        skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + 1);
        break;
      }
      default: { // Failed, Error, Timeout, Aborted
        failed++;
        const message = firstMessage(body);
        const stack = decode(/<StackTrace>([\s\S]*?)<\/StackTrace>/.exec(body)?.[1] ?? "").trim();
        const where = stack.split("\n").find((l) => /:line \d+/.test(l))?.trim();
        failures.push([`FAILED ${testName} (${outcome})`,
          ...message.split("\n").slice(0, 12).map((l) => "    " + l.trimEnd()),
          ...(where ? ["    " + where] : [])].join("\n"));
      }
    }
  }
}

console.log(`${passed} ${failed} ${skipped}`);
for (const [reason, count] of skipReasons) console.log(`skipped\t${count}\t${reason}`);
for (const failure of failures) console.log(failure);

// Reads the Lighthouse JSON reports listed in a manifest written by scripts/audit
// (tab-separated: label, path, form factor, report file), prints a Markdown table of the
// scores and metrics, lists every failing audit that counts, and checks the targets
// given in the environment. Exit status: 0 all met, 2 a target missed, 1 an error.
import { readFileSync } from "node:fs";

const env = (name) => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return Number(value);
};
const targets = {
  accessibility: env("TARGET_A11Y"),
  "best-practices": env("TARGET_BEST_PRACTICES"),
  seo: env("TARGET_SEO"),
  performanceMobile: env("TARGET_PERFORMANCE_MOBILE"),
  cls: env("TARGET_CLS"),
};
// "path|audit-id|why" per line; a path ending in * matches every path starting with the rest.
const expected = (process.env.EXPECTED_SEO_FAILURES ?? "")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => {
    const [path, id, why] = line.split("|");
    return { path, id, why };
  });

const manifest = process.argv[2];
if (!manifest) throw new Error("usage: audit-summary.mjs MANIFEST");
const runs = readFileSync(manifest, "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => {
    const [label, path, form, file] = line.split("\t");
    return { label, path, form, report: JSON.parse(readFileSync(file, "utf8")) };
  });

const score = (category) =>
  category && category.score !== null ? Math.round(category.score * 100) : null;
const show = (value) => (value === null ? "n/a" : String(value));
const ms = (audit) =>
  audit && typeof audit.numericValue === "number" ? audit.numericValue : null;
const seconds = (value) => (value === null ? "?" : `${(value / 1000).toFixed(1)} s`);
const millis = (value) => (value === null ? "?" : `${Math.round(value)} ms`);

// Audits that count for a category's score (weight > 0) and did not pass.
const failing = (report, categoryId) => {
  const category = report.categories[categoryId];
  if (!category) return [];
  return category.auditRefs
    .filter((ref) => ref.weight > 0)
    .map((ref) => report.audits[ref.id])
    .filter((audit) => audit && audit.score !== null && audit.score < 1);
};

// A short description of where an audit failed: the first few items of its details.
const where = (audit) => {
  const items = audit.details?.items ?? [];
  return items.slice(0, 4).map((item) => {
    const node = item.node ?? item.source ?? item;
    const text =
      node.selector ??
      node.snippet ??
      item.url ??
      item.description ??
      node.url ??
      JSON.stringify(item).slice(0, 160);
    return String(text).replace(/\s+/g, " ").slice(0, 160);
  });
};

const rows = [];
const misses = [];
const notes = [];
for (const run of runs) {
  const { report } = run;
  const categories = report.categories;
  const perf = score(categories.performance);
  const a11y = score(categories.accessibility);
  const bp = score(categories["best-practices"]);
  const seo = score(categories.seo);
  const lcp = ms(report.audits["largest-contentful-paint"]);
  const cls = ms(report.audits["cumulative-layout-shift"]);
  const tbt = ms(report.audits["total-blocking-time"]);
  const where_ = `${run.label} (${run.path}, ${run.form})`;
  if (report.runtimeError) misses.push(`${where_}: Lighthouse runtime error ${report.runtimeError.code}: ${report.runtimeError.message}`);
  for (const warning of report.runWarnings ?? []) notes.push(`${where_}: Lighthouse warning: ${warning}`);

  const seoExpected = expected.filter((e) =>
    e.path.endsWith("*") ? run.path.startsWith(e.path.slice(0, -1)) : e.path === run.path,
  );
  let seoCell = show(seo);
  for (const [id, value, target] of [
    ["accessibility", a11y, targets.accessibility],
    ["best-practices", bp, targets["best-practices"]],
    ["seo", seo, targets.seo],
  ]) {
    const fails = failing(report, id);
    const unexpected = fails.filter((a) => !(id === "seo" && seoExpected.some((e) => e.id === a.id)));
    const allowed = fails.filter((a) => !unexpected.includes(a));
    for (const audit of allowed) {
      const why = seoExpected.find((e) => e.id === audit.id)?.why ?? "";
      notes.push(`${where_}: expected SEO failure "${audit.title}" (${audit.id}): ${why}`);
      seoCell = `${show(seo)}*`;
    }
    // The score target is 100: every audit that counts passes. Audits expected to fail
    // are left out of that (the score shown still includes them).
    if (value === null) {
      misses.push(`${where_}: no ${id} score`);
    } else if (value < target && (unexpected.length > 0 || target < 100)) {
      misses.push(`${where_}: ${id} ${value} < ${target}`);
    }
    for (const audit of unexpected) {
      const places = where(audit);
      misses.push(
        `${where_}: ${id} audit "${audit.title}" (${audit.id})` +
          (audit.displayValue ? ` ${audit.displayValue}` : "") +
          (places.length ? `\n      ${places.join("\n      ")}` : ""),
      );
    }
  }
  if (run.form === "mobile" && (perf === null || perf < targets.performanceMobile)) {
    const opportunities = Object.values(report.audits)
      .filter((a) => a.details?.type === "opportunity" && a.score !== null && a.score < 1)
      .map((a) => `${a.title}${a.displayValue ? ` (${a.displayValue})` : ""}`);
    misses.push(
      `${where_}: performance ${show(perf)} < ${targets.performanceMobile}` +
        (opportunities.length ? `\n      ${opportunities.join("\n      ")}` : ""),
    );
  }
  if (cls === null || cls > targets.cls) {
    misses.push(`${where_}: CLS ${cls === null ? "?" : cls.toFixed(3)} > ${targets.cls}`);
  }
  rows.push([
    `${run.label} \`${run.path}\``,
    run.form,
    show(perf),
    show(a11y),
    show(bp),
    seoCell,
    seconds(lcp),
    cls === null ? "?" : cls.toFixed(3),
    millis(tbt),
  ]);
}

const header = ["page", "form factor", "performance", "accessibility", "best practices", "SEO", "LCP", "CLS", "TBT"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => "-".repeat(w + 1) + (i < 2 ? "-" : ":")).join("|")}|`);
for (const row of rows) console.log(line(row));
if (notes.length) {
  console.log("");
  for (const note of notes) console.log(`note: ${note}`);
}
if (misses.length) {
  console.log("\nTargets missed:");
  for (const miss of misses) console.log(`- ${miss}`);
  process.exit(2);
}

#!/usr/bin/env python3
"""URL corpora for scripts/bench: seeded, reproducible lists of distinct paths.

Reads the vocabularies that scripts/bench exported from the bench database into
--input (psql -At output, fields separated by |):

  technologies.txt   slug|name                     (every technology)
  counts.txt         city|seniority|remote|jobs    (open jobs, grouped)
  tech_counts.txt    technology|city|seniority|remote|jobs   (open jobs, grouped)
  titles.txt         one job title a line          (a sample)
  slugs.txt          one job slug a line           (open published jobs, by id)

and writes to --output, one path a line, for each corpus NAME in searches,
filters, deep and jobs: NAME.once (for the one-connection walk) and NAME.load
(for the 64-connection run). The two files of a corpus share no URL, and no file
repeats one. Both are in a shuffled order. The same seed and the same database
give the same files.

Every URL is in the one form the site serves with 200 (parameters in the site's
order, encoded the way it encodes them, no filter set that a landing page stands
for), so that a redirect in the benchmark is an error, not noise.
"""

import argparse
import math
import os
import random
import re
import sys

PAGE_SIZE = 20  # src/domain/filter.rs
MAX_PAGE = 10_000
SENIORITIES = ["junior", "mid", "senior", "lead"]
REMOTE = ["onsite", "hybrid", "remote"]
EMPLOYMENT = ["full_time", "part_time", "contract", "internship"]
# The site's parameter order (JobSearch::query_string_for_page).
ORDER = ["q", "technology", "city", "remote", "seniority", "type", "salary", "posted", "company", "sort", "page"]
COMMON_WORDS = (
    "and the with for team developer engineer senior junior remote lead software "
    "backend frontend fullstack full stack data cloud platform web mobile developer "
    "engineer manager architect devops security head of in job jobs home office "
    "startup english german part time contract new product design api java script "
    "infrastructure analyst scientist machine learning ai test qa support sre "
    "werkstudent entwickler berlin remote hybrid teilzeit"
).split()


def encode(value):
    """application/x-www-form-urlencoded as the site writes it (serde_urlencoded)."""
    out = []
    for byte in value.encode("utf-8"):
        ch = chr(byte)
        if byte < 128 and (ch.isalnum() or ch in "*-._"):
            out.append(ch)
        elif ch == " ":
            out.append("+")
        else:
            out.append("%%%02X" % byte)
    return "".join(out)


def listing(params):
    pairs = sorted(params.items(), key=lambda kv: ORDER.index(kv[0]))
    if not pairs:
        return "/jobs"
    return "/jobs?" + "&".join(f"{k}={encode(str(v))}" for k, v in pairs)


def read_rows(path, fields):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("|")
            if len(parts) != fields:
                continue
            rows.append(parts)
    return rows


class Counts:
    """Open jobs for any combination of one technology, city, seniority and work model
    (None = any)."""

    def __init__(self, counts, tech_counts):
        self.table = {}
        for city, seniority, remote, jobs in counts:
            self._add((None, city or "", seniority, remote), int(jobs))
        for tech, city, seniority, remote, jobs in tech_counts:
            self._add((tech, city or "", seniority, remote), int(jobs))

    def _add(self, key, jobs):
        # Rows without a technology count each job once; rows with one count it once
        # per technology, so they only ever add to keys of that technology.
        tech, city, seniority, remote = key
        for c in (city, None):
            for s in (seniority, None):
                for r in (remote, None):
                    k = (tech, c, s, r)
                    self.table[k] = self.table.get(k, 0) + jobs

    def jobs(self, tech=None, city=None, seniority=None, remote=None):
        return self.table.get((tech, city, seniority, remote), 0)


def last_page(jobs):
    return max(1, min(MAX_PAGE, math.ceil(jobs / PAGE_SIZE)))


def is_landing(params):
    """A filter a landing page stands for redirects there (landing::path_for_filter)."""
    keys = set(params) - {"page"}
    if keys == {"technology"} or keys == {"city"} or keys == {"technology", "city"}:
        return True
    return keys == {"remote"} and params["remote"] == "remote"


def distinct(rng, want, make, attempts_per_url=40):
    """Up to `want` distinct URLs from make(rng), in the order drawn."""
    seen = set()
    out = []
    attempts = 0
    while len(out) < want and attempts < want * attempts_per_url:
        attempts += 1
        url = make(rng)
        if url is None:
            continue
        key = url.lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(url)
    return out


def split(urls, want):
    """Two disjoint halves of at most `want` URLs each (the first for the walk)."""
    return urls[0::2][:want], urls[1::2][:want]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--searches", type=int, default=3000)
    ap.add_argument("--filters", type=int, default=2000)
    ap.add_argument("--deep", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=50000)
    args = ap.parse_args()

    inp = args.input
    techs = read_rows(os.path.join(inp, "technologies.txt"), 2)
    counts = Counts(
        read_rows(os.path.join(inp, "counts.txt"), 4),
        read_rows(os.path.join(inp, "tech_counts.txt"), 5),
    )
    with open(os.path.join(inp, "titles.txt"), encoding="utf-8") as f:
        titles = sorted({line.strip() for line in f if line.strip()})
    with open(os.path.join(inp, "slugs.txt"), encoding="utf-8") as f:
        slugs = [line.strip() for line in f if line.strip()]

    tech_slugs = sorted(slug for slug, _ in techs)
    tech_names = sorted(name for _, name in techs)
    cities = sorted({city for city, _, _, _ in read_rows(os.path.join(inp, "counts.txt"), 4) if city})
    if not tech_slugs or not cities or not titles:
        sys.exit("bench-corpus: the bench database has no technologies, cities or titles")
    title_words = sorted({w for t in titles for w in t.split() if re.search(r"\w", w) and len(w) > 1})

    # One generator per corpus, so that changing one size leaves the others alone.
    def rng_for(name):
        return random.Random(f"{args.seed}:{name}")

    def random_filter(rng, p_tech, p_city, p_seniority, p_remote):
        params = {}
        if rng.random() < p_tech:
            params["technology"] = rng.choice(tech_slugs)
        if rng.random() < p_city:
            params["city"] = rng.choice(cities)
        if rng.random() < p_seniority:
            params["seniority"] = rng.choice(SENIORITIES)
        if rng.random() < p_remote:
            params["remote"] = rng.choice(REMOTE)
        return params

    def jobs_for(params):
        return counts.jobs(params.get("technology"), params.get("city"), params.get("seniority"), params.get("remote"))

    # --- text searches: one to three words, about half with filters --------------
    pools = [(0.35, title_words), (0.25, tech_names), (0.15, cities), (0.25, COMMON_WORDS)]

    def word(rng):
        x = rng.random()
        for weight, pool in pools:
            if x < weight:
                return rng.choice(pool)
            x -= weight
        return rng.choice(COMMON_WORDS)

    def search(rng):
        words = [word(rng) for _ in range(rng.choice((1, 1, 2, 2, 2, 3)))]
        if rng.random() < 0.4:
            words = [w.lower() for w in words]
        q = " ".join(" ".join(words).split())
        # Technology and city names can be two words ("Google Cloud", "Frankfurt am
        # Main"): keep to three words in all.
        if not q or len(q.split()) > 3 or len(q) > 200:
            return None
        params = {"q": q}
        if rng.random() < 0.5:
            while len(params) == 1:
                params.update(random_filter(rng, 0.45, 0.4, 0.35, 0.3))
        if rng.random() < 0.1:
            params["sort"] = rng.choice(("newest", "salary"))
        return listing(params)

    # --- filter-only lists, as links and bots produce them ---------------------------
    def filter_only(rng):
        params = random_filter(rng, 0.6, 0.5, 0.5, 0.4)
        if not params or is_landing(params):
            return None
        if rng.random() < 0.3:
            page = rng.randint(2, 5)
            if page > last_page(jobs_for(params)):
                return None
            params["page"] = page
        return listing(params)

    # --- deep pages: high page numbers, within the last page ---------------------------
    def deep(rng):
        if rng.random() < 0.4:
            params = {}
        else:
            params = random_filter(rng, 0.35, 0.3, 0.6, 0.5)
            if not params or is_landing(params):
                return None
        last = last_page(jobs_for(params))
        # Jobs expire while the benchmark runs: stay a little short of the end.
        last -= max(1, last // 100)
        first = max(2, last // 2)
        if last < max(first, 6):
            return None
        params["page"] = rng.randint(first, last)
        return listing(params)

    corpora = {
        "searches": (args.searches, lambda: distinct(rng_for("searches"), 2 * args.searches, search)),
        "filters": (args.filters, lambda: distinct(rng_for("filters"), 2 * args.filters, filter_only)),
        "deep": (args.deep, lambda: distinct(rng_for("deep"), 2 * args.deep, deep)),
        "jobs": (args.jobs, lambda: shuffled(rng_for("jobs"), [f"/jobs/{s}" for s in dict.fromkeys(slugs)])),
    }

    def shuffled(rng, items):
        items = list(items)
        rng.shuffle(items)
        return items

    os.makedirs(args.output, exist_ok=True)
    for name, (want, make) in corpora.items():
        once, load = split(make(), want)
        for suffix, urls in (("once", once), ("load", load)):
            with open(os.path.join(args.output, f"{name}.{suffix}"), "w", encoding="utf-8") as f:
                f.writelines(u + "\n" for u in urls)
        print(f"{name} {len(once)} {len(load)} {want}")


if __name__ == "__main__":
    main()

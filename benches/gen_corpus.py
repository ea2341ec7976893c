#!/usr/bin/env python3
"""Corpus generator for the aimsbook benchmark.

Writes N controlled documents with realistic bodies (headings, lists, a table, a fenced code
block, links by path and by id, clause references), a risk register and a Statement of
Applicability for aimsbook, and the same Markdown bodies laid out for Hugo, Zola and mdBook.

    python3 benches/gen_corpus.py N OUT_DIR

Deterministic: the same N gives the same files.
"""
import os
import random
import sys

CONTROLS = (
    ["A.2.2", "A.2.3", "A.2.4", "A.3.2", "A.3.3", "A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6",
     "A.5.2", "A.5.3", "A.5.4", "A.5.5", "A.6.1.2", "A.6.1.3", "A.6.2.2", "A.6.2.3", "A.6.2.4",
     "A.6.2.5", "A.6.2.6", "A.6.2.7", "A.6.2.8", "A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6",
     "A.8.2", "A.8.3", "A.8.4", "A.8.5", "A.9.2", "A.9.3", "A.9.4", "A.10.2", "A.10.3", "A.10.4"]
)
CLAUSES = ["4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.2",
           "6.3", "7.1", "7.2", "7.3", "7.4", "7.5.1", "7.5.2", "7.5.3", "8.1", "8.2", "8.3", "8.4",
           "9.1", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3", "10.1", "10.2"]
TYPES = ["procedure", "policy", "plan", "record", "procedure", "record", "assessment", "report"]
OWNERS = ["Dr. Priya Raman (Head of AI Governance)", "Tomasz Nowak (Chief Data Officer)",
          "Aisha Bello (Head of Claims Operations)", "Martin Kovac (Chief Risk Officer)",
          "Sofia Lindqvist (Head of People)", "Grace Whitfield (CISO)"]
WORDS = ("model data review risk control owner approval monitoring fairness drift validation "
         "deployment incident supplier impact assessment oversight training record evidence "
         "threshold escalation retention lifecycle inventory procedure metric audit").split()


def sentence(rng, n=14):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng, i, n, style):
    """Markdown body; `style` decides how links to other documents are written."""
    others = [rng.randrange(n) for _ in range(4)]
    def link_id(j):
        if style == "aimsbook":
            return f"[[DOC-{j:05d}]]"
        return f"[DOC-{j:05d}]({link_path(j, style)})"
    def link_path_md(j):
        return f"[the related procedure]({link_path(j, style)})"
    lines = [f"## 1. Purpose", "", sentence(rng) + " " + sentence(rng) + f" See {link_id(others[0])}.", "",
             "## 2. Scope", ""]
    lines += [f"- {sentence(rng, 8)}" for _ in range(4)]
    lines += ["", "## 3. Responsibilities", "", "| Role | Responsibility | Frequency |", "|---|---|---|"]
    lines += [f"| {rng.choice(OWNERS).split(' (')[0]} | {sentence(rng, 6)} | {rng.choice(['monthly', 'quarterly', 'annually'])} |" for _ in range(4)]
    lines += ["", "## 4. Procedure", ""]
    for k in range(3):
        lines += [f"{k + 1}. {sentence(rng)} {sentence(rng, 10)}"]
    lines += ["", f"Related: {link_path_md(others[1])} and {link_id(others[2])}.", "",
              "```yaml", f"control: {rng.choice(CONTROLS)}", f"threshold: {rng.randint(1, 99)}", "owner: ai-governance", "```", "",
              "## 5. Records", "", sentence(rng, 20) + " " + sentence(rng, 18), ""]
    if style == "aimsbook":
        lines += [f"This document addresses [[{rng.choice(CLAUSES)}]] and [[{rng.choice(CONTROLS)}]].", ""]
    return "\n".join(lines)


def link_path(j, style):
    if style == "aimsbook":
        return f"../docs/doc-{j:05d}.md"
    if style == "hugo":
        return f"../doc-{j:05d}/"
    if style == "zola":
        return f"@/docs/doc-{j:05d}.md"
    return f"doc-{j:05d}.md"  # mdbook


def title_of(i):
    rng = random.Random(-1 - i)
    return f"Document {i}: {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)}".replace(":", " -")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    # aimsbook
    a = os.path.join(out, "aimsbook")
    write(os.path.join(a, "book.toml"), '[book]\ntitle = "Benchmark AIMS"\norganization = "Benchmark Ltd"\n')
    implementing, evidence = {}, {}
    for i in range(n):
        rng = random.Random(i)
        t = TYPES[i % len(TYPES)]
        clauses = sorted(set(rng.sample(CLAUSES, 2) + rng.sample(CONTROLS, 3)))
        fm = [f"id: DOC-{i:05d}", f'title: "{title_of(i)}"', f"type: {t}",
              f'owner: "{rng.choice(OWNERS)}"', 'approver: "AI Governance Committee"', 'version: "1.1"',
              "status: approved", "approved: 2026-03-01", "review_due: 2027-06-01", "classification: internal",
              "clauses: [" + ", ".join(f'"{c}"' for c in clauses) + "]",
              "history:", '  - version: "1.0"', "    date: 2025-03-01", '    author: "A. Author"', '    summary: "First issue."',
              '  - version: "1.1"', "    date: 2026-03-01", '    author: "A. Author"', '    summary: "Annual review."']
        if t in ("record", "report"):
            fm += ["record_date: 2026-06-01", 'retention: "7 years"']
        for c in clauses:
            bucket = evidence if t in ("record", "report") else implementing
            if c in CONTROLS and c not in bucket:
                bucket[c] = f"DOC-{i:05d}"
        write(os.path.join(a, "content", "docs", f"doc-{i:05d}.md"), "---\n" + "\n".join(fm) + "\n---\n\n" + body(rng, i, n, "aimsbook"))
    # A risk register and the SoA.
    fm = ['id: REG-RISK', 'title: "AI risk register"', 'type: register', f'owner: "{OWNERS[3]}"', 'approver: "AI Governance Committee"',
          'version: "1.0"', 'status: approved', 'approved: 2026-03-01', 'review_due: 2027-06-01', 'classification: internal',
          'clauses: ["6.1.2", "8.2"]', 'data: "../data/risks.yaml"']
    write(os.path.join(a, "content", "registers", "risks.md"), "---\n" + "\n".join(fm) + "\n---\n\nThe AI risk register.\n")
    rows = ["meta:", "  document: REG-RISK", "  title: AI risk register", "risks:"]
    for r in range(max(10, n // 10)):
        rng = random.Random(100000 + r)
        l, im = rng.randint(1, 5), rng.randint(1, 5)
        rows += [f"  - id: RSK-{r:05d}", f'    title: "{sentence(rng, 8)}"', f"    likelihood: {l}", f"    impact: {im}", f"    score: {l * im}",
                 "    treatment: mitigate", f'    controls: ["{rng.choice(CONTROLS)}"]', f'    owner: "{OWNERS[r % len(OWNERS)]}"', "    status: treated"]
    write(os.path.join(a, "content", "data", "risks.yaml"), "\n".join(rows) + "\n")
    fm = ['id: SOA-001', 'title: "Statement of Applicability"', 'type: soa', f'owner: "{OWNERS[0]}"', 'approver: "AI Governance Committee"',
          'version: "1.0"', 'status: approved', 'approved: 2026-03-01', 'review_due: 2027-06-01', 'classification: internal',
          'clauses: ["6.1.3"]', 'data: "../data/soa.yaml"']
    write(os.path.join(a, "content", "registers", "soa.md"), "---\n" + "\n".join(fm) + "\n---\n\nThe Statement of Applicability.\n")
    rows = ["meta:", "  document: SOA-001", "controls:"]
    for c in CONTROLS:
        docs = f'["{implementing[c]}"]' if c in implementing else "[]"
        ev = f'["{evidence[c]}"]' if c in evidence else "[]"
        rows += [f"  - control: {c}", "    applicable: true", f'    justification: "Needed to treat the AI risks of the benchmark organisation ({c})."',
                 "    implementation: implemented", f"    documents: {docs}", f"    evidence: {ev}"]
    write(os.path.join(a, "content", "data", "soa.yaml"), "\n".join(rows) + "\n")
    # Hugo
    h = os.path.join(out, "hugo")
    write(os.path.join(h, "hugo.toml"), 'baseURL = "http://localhost/"\ntitle = "Benchmark"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.highlight]\nnoClasses = false\n')
    write(os.path.join(h, "layouts", "_default", "baseof.html"), "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><nav><a href=\"/\">Home</a></nav>{{ block \"main\" . }}{{ end }}</body></html>\n")
    write(os.path.join(h, "layouts", "_default", "single.html"), "{{ define \"main\" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}\n")
    write(os.path.join(h, "layouts", "_default", "list.html"), "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n")
    # Zola
    z = os.path.join(out, "zola")
    write(os.path.join(z, "config.toml"), 'base_url = "http://localhost"\ntitle = "Benchmark"\ncompile_sass = false\nbuild_search_index = false\n[markdown.highlighting]\ntheme = \"github-light\"\n')
    write(os.path.join(z, "templates", "base.html"), "<!DOCTYPE html><html><head><title>{% block title %}{% endblock %}</title></head><body>{% block content %}{% endblock %}</body></html>\n")
    write(os.path.join(z, "templates", "page.html"), "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock %}\n")
    write(os.path.join(z, "templates", "section.html"), "{% extends \"base.html\" %}{% block content %}<ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}\n")
    write(os.path.join(z, "templates", "index.html"), "{% extends \"base.html\" %}{% block content %}Benchmark{% endblock %}\n")
    write(os.path.join(z, "content", "docs", "_index.md"), "+++\ntitle = \"Docs\"\n+++\n")
    # mdBook
    m = os.path.join(out, "mdbook")
    write(os.path.join(m, "book.toml"), '[book]\ntitle = "Benchmark"\n[output.html]\n[output.html.search]\nenable = true\n')
    summary = ["# Summary", ""]
    for i in range(n):
        title = title_of(i)
        write(os.path.join(h, "content", "docs", f"doc-{i:05d}.md"), f'---\ntitle: "{title}"\ndate: 2026-03-01\n---\n\n' + body(random.Random(i), i, n, "hugo"))
        write(os.path.join(z, "content", "docs", f"doc-{i:05d}.md"), f'+++\ntitle = "{title}"\ndate = 2026-03-01\n+++\n\n' + body(random.Random(i), i, n, "zola"))
        write(os.path.join(m, "src", f"doc-{i:05d}.md"), f"# {title}\n\n" + body(random.Random(i), i, n, "mdbook"))
        summary.append(f"- [{title}](doc-{i:05d}.md)")
    write(os.path.join(m, "src", "SUMMARY.md"), "\n".join(summary) + "\n")


if __name__ == "__main__":
    main()

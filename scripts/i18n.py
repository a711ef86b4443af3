#!/usr/bin/env python3
"""The built-in texts' translation tables (kiosk/i18n/LANG.json).

French is written in the code, marked N_("…") (kiosk/core/i18n.hpp). This
script lists the marked texts and checks each language's table against them.

  scripts/i18n.py extract          every marked French text, one JSON list
  scripts/i18n.py check            each table has every text, no stale one,
                                   the same {places}; unmarked French-looking
                                   literals in ui/ and kiosk/core/ are errors
  scripts/i18n.py missing LANG     what LANG's table lacks, as a JSON object to
                                   fill in (French copied as the value)
  scripts/i18n.py sync LANG FILE   merges FILE's texts into LANG's table, drops
                                   stale entries, sorts (for translators)
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ["kiosk/core", "kiosk/main", "ui"]
LANGUAGES = ["en", "es", "ar", "pt", "tr"]
TABLES = ROOT / "kiosk" / "i18n"

LITERAL = r'"(?:[^"\\\n]|\\.)*"'
MARKED = re.compile(r'\bN_\(\s*((?:' + LITERAL + r'\s*)+)\)')
ONE_LITERAL = re.compile(LITERAL)
PLACE = re.compile(r'\{([a-z0-9_]+)\}')


ESCAPE = re.compile(r'\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)')
SIMPLE = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'", "?": "?"}


def decode(literals):
    """The text of C++ string literals, adjacent ones joined."""
    def one(match):
        code = match.group(1)
        if code[0] in "uUx" and len(code) > 1:
            return chr(int(code[1:], 16))
        return SIMPLE.get(code, code)
    return "".join(ESCAPE.sub(one, literal[1:-1]) for literal in ONE_LITERAL.findall(literals))


def source_files():
    for folder in SOURCES:
        for path in sorted((ROOT / folder).glob("*.[ch]pp")):
            yield path


def strip_comments(text):
    # Keeps string literals (which may hold "//") and line count.
    out = []
    i = 0
    while i < len(text):
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            i = end
        elif text[i] == '"':
            m = ONE_LITERAL.match(text, i)
            if not m:
                out.append(text[i])
                i += 1
                continue
            out.append(m.group(0))
            i = m.end()
        elif text.startswith("R\"(", i):
            end = text.find(")\"", i)
            out.append(" " * 0)
            i = len(text) if end < 0 else end + 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def extract():
    texts = {}
    for path in source_files():
        code = strip_comments(path.read_text(encoding="utf-8"))
        for match in MARKED.finditer(code):
            text = decode(match.group(1))
            texts.setdefault(text, str(path.relative_to(ROOT)))
    return texts


# A literal a resident could read: a capital or « and a space, or an accented
# letter. Log lines, identifiers and file names do not look like that.
FRENCH = re.compile(r'^"(?:[A-ZÀ-Ý«][^"]* [^"]*|[^"]*[àâçéèêëîïôûùüÿœÀÂÇÉÈÊËÎÏÔÛÙÜŸŒ][^"]*|[A-ZÀ-Ý][a-zà-ÿ\']{2,}[.…]?)"$')
NOT_SHOWN = re.compile(r'\blog\(|SDL_|LoadError|parse_object|log::|LOG|fail\(|Error::make|std::runtime_error|error\(|expect|ADD_FAILURE|usage|\.json|m_log|warn\(|info\(')


def lint():
    problems = []
    for path in source_files():
        if path.name in ("options.cpp", "setup_screens.cpp"):
            continue  # the command line's help and the first-boot wizard: for technicians, in French
        original = path.read_text(encoding="utf-8").split("\n")
        code = strip_comments("\n".join(original))
        marked_spans = [m.span() for m in MARKED.finditer(code)]
        for m in ONE_LITERAL.finditer(code):
            literal = m.group(0)
            if not FRENCH.match(literal) or len(decode(literal)) < 2:
                continue  # not a sentence, or one key of the keyboard
            if any(a <= m.start() < b for a, b in marked_spans):
                continue
            # The whole statement: a log line or an error for technicians
            # may span several lines.
            start = max(code.rfind(";", 0, m.start()), code.rfind("{\n", 0, m.start()), code.rfind("}", 0, m.start()))
            end = code.find(";", m.end())
            line = code[start + 1:end]
            line_no = code.count("\n", 0, m.start()) + 1
            # "// verbatim": shown as it is in every language (a name, a key).
            if NOT_SHOWN.search(line) or re.search(r"(//|/\*).*verbatim", original[line_no - 1]):
                continue
            problems.append(f"{path.relative_to(ROOT)}:{line_no}: not marked N_(): {literal}")
    return problems


def load_table(language):
    path = TABLES / f"{language}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("texts", {})


def check():
    texts = extract()
    problems = lint()
    for language in LANGUAGES:
        table = load_table(language)
        for french in texts:
            if french not in table:
                problems.append(f"{language}.json: missing: {french!r} ({texts[french]})")
            elif sorted(PLACE.findall(table[french])) != sorted(PLACE.findall(french)):
                problems.append(f"{language}.json: not the same {{places}}: {french!r}")
            elif not table[french].strip():
                problems.append(f"{language}.json: empty: {french!r}")
        for french in table:
            if french not in texts and not french.startswith("@"):
                problems.append(f"{language}.json: stale (no longer in the code): {french!r}")
    for problem in problems:
        print(problem)
    print(f"{len(texts)} texts, {len(LANGUAGES)} languages, {len(problems)} problem(s)")
    return 1 if problems else 0


def write_table(language, table):
    path = TABLES / f"{language}.json"
    document = {"format": 1, "language": language, "texts": dict(sorted(table.items()))}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv):
    if len(argv) >= 2 and argv[1] == "extract":
        json.dump(sorted(extract()), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if len(argv) >= 2 and argv[1] == "check":
        return check()
    if len(argv) >= 3 and argv[1] == "missing":
        table = load_table(argv[2])
        missing = {french: french for french in sorted(extract()) if french not in table}
        json.dump(missing, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if len(argv) >= 4 and argv[1] == "sync":
        texts = extract()
        table = load_table(argv[2])
        table.update(json.loads(pathlib.Path(argv[3]).read_text(encoding="utf-8")))
        write_table(argv[2], {k: v for k, v in table.items() if k in texts or k.startswith("@")})
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

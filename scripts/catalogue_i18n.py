#!/usr/bin/env python3
"""Translations inside catalogue files (kiosk/catalogue/*.json).

A catalogue text is French as a plain string, or an object with one entry per
language ({"fr": "…", "en": "…"}; docs/catalogue.md). Translators work on a
flat table instead of the nested file:

  scripts/catalogue_i18n.py todo FILE LANG          the French texts of FILE
                                                    lacking LANG, as a JSON
                                                    object to fill in
  scripts/catalogue_i18n.py merge FILE LANG TABLE   writes TABLE's translations
                                                    into FILE (every text whose
                                                    French is a key of TABLE)
  scripts/catalogue_i18n.py format FILE             rewrites FILE in the
                                                    catalogue's layout
  scripts/catalogue_i18n.py check FOLDER            the same French text has
                                                    the same translation in
                                                    every file (the kiosk keeps
                                                    one per French text)

Then `build/provisioning/kioskctl catalogue check --strict FILE` says what is
still missing or too long for its box: the kiosk's loader is the authority on
lengths and {places}.
"""
import json
import pathlib
import sys

LANGUAGES = ["fr", "en", "es", "ar", "pt", "tr"]

# Which string values are texts a resident reads, by the key of the object
# (or list) holding them. Everything else (ids, conditions, pictograms) stays.
TEXT_KEYS = {
    "$": {"title", "short_title", "description", "when_unavailable"},
    "themes": {"title", "description"},
    "situations": {"title"},
    "intro": {"asks"},
    "pages": {"title", "instruction"},
    "fields": {"label", "question", "hint", "text", "item_label", "add_question"},
    "choices": {"label", "hint"},
    "rules": {"message"},
    "receipt": {"title", "next_steps"},
}
TEXT_LISTS = {"have_at_hand"}
ALL_KEYS_ARE_TEXTS = {"messages"}


def is_text_object(value):
    return isinstance(value, dict) and "fr" in value and all(key in LANGUAGES for key in value)


def visit_texts(node, parent, visit):
    """Calls visit(holder, key, value) on every text, where holder[key] is it."""
    if isinstance(node, dict):
        for key, value in node.items():
            texts = TEXT_KEYS.get(parent, set())
            if (key in texts or parent in ALL_KEYS_ARE_TEXTS) and (isinstance(value, str) or is_text_object(value)):
                visit(node, key, value)
            elif key in TEXT_LISTS and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str) or is_text_object(item):
                        visit(value, index, item)
            else:
                visit_texts(value, key, visit)
    elif isinstance(node, list):
        for item in node:
            visit_texts(item, parent, visit)


def french(value):
    return value if isinstance(value, str) else value["fr"]


def todo(document, language):
    table = {}

    def visit(holder, key, value):
        if isinstance(value, str) or language not in value:
            table.setdefault(french(value), "")

    visit_texts(document, "$", visit)
    return table


def merge(document, language, table):
    merged = 0

    def visit(holder, key, value):
        nonlocal merged
        translation = table.get(french(value), "")
        if not translation:
            return
        entry = {"fr": value} if isinstance(value, str) else dict(value)
        entry[language] = translation
        holder[key] = {code: entry[code] for code in LANGUAGES if code in entry}
        merged += 1

    visit_texts(document, "$", visit)
    return merged


def conflicts(paths):
    """Every (French, language) translated differently in two places."""
    first = {}
    found = []
    for path in paths:
        def visit(holder, key, value):
            if not isinstance(value, dict):
                return
            for language, text in value.items():
                if language == "fr":
                    continue
                seen = first.setdefault((value["fr"], language), (text, path))
                if seen[0] != text:
                    found.append(f"{path}: {language} of « {value['fr']} » is « {text} », "
                                 f"but « {seen[0]} » in {seen[1]}")
        visit_texts(read(path), "$", visit)
    return found


WIDTH = 120


def dump(value, indent=0):
    """JSON in the catalogue's hand-written layout: short objects and lists on
    one line, longer ones one entry a line, two spaces a level."""
    inline = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(value, (dict, list)) or len(inline) + indent <= WIDTH and not is_text_object(value):
        if isinstance(value, dict) and value:
            return "{ " + inline[1:-1] + " }"
        return inline
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [pad + json.dumps(key, ensure_ascii=False) + ": " + dump(item, indent + 2) for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + dump(item, indent + 2) for item in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def read(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def write(path, document):
    pathlib.Path(path).write_text(dump(document) + "\n", encoding="utf-8")


def main(arguments):
    if len(arguments) == 3 and arguments[0] == "todo" and arguments[2] in LANGUAGES[1:]:
        print(json.dumps(todo(read(arguments[1]), arguments[2]), ensure_ascii=False, indent=2))
        return 0
    if len(arguments) == 4 and arguments[0] == "merge" and arguments[2] in LANGUAGES[1:]:
        document = read(arguments[1])
        merged = merge(document, arguments[2], read(arguments[3]))
        write(arguments[1], document)
        left = len(todo(document, arguments[2]))
        print(f"{arguments[1]}: {merged} text(s) merged in {arguments[2]}, {left} still lacking it")
        return 0
    if len(arguments) == 2 and arguments[0] == "check":
        paths = sorted(str(path) for path in pathlib.Path(arguments[1]).glob("*.json"))
        found = conflicts(paths)
        for line in found:
            print(line, file=sys.stderr)
        if not found:
            print(f"{len(paths)} catalogue files: every French text has one translation per language")
        return 1 if found else 0
    if len(arguments) == 2 and arguments[0] == "format":
        write(arguments[1], read(arguments[1]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The catalogues of sentences people read (see fieldtasks/i18n.py).

`python scripts/translations.py` (or `make translations`) extracts the sentences from the code and the templates,
adds the new ones to each language's .po (translate them there) and compiles the .mo files the app reads.
`--check` changes nothing: it fails, saying which, when a sentence has no translation, a translation lost a
placeholder, or a .mo is not the compilation of its .po.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "fieldtasks" / "translations"
# The calls whose first argument is a sentence: the markers, every error a service raises, a schema's refusal.
KEYWORDS = ("N_", "Sentence", "NotFoundError", "ConflictError", "InvalidError", "AuthenticationError",
            "PermissionDeniedError", "PreconditionFailedError", "PayloadTooLargeError", "UnsupportedMediaTypeError",
            "PreconditionRequiredError", "TooManyRequestsError", "UnavailableError", "ValidationError")  # fmt: skip
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sd]")


def pybabel(command: list[str]) -> None:
    CommandLineInterface().run(["pybabel", "-q", *command])


def extract(pot: Path) -> None:
    keywords = [argument for keyword in KEYWORDS for argument in ("-k", keyword)]
    pybabel(["extract", "-F", str(ROOT / "babel.cfg"), *keywords, "--add-location=file",
             "--sort-by-file", "--omit-header", "-o", str(pot), str(ROOT / "fieldtasks")])  # fmt: skip


def problems(pot: Path) -> list[str]:
    with pot.open("rb") as file:
        wanted = [message.id for message in read_po(file) if message.id]
    found = []
    for po in sorted(CATALOGUES.glob("*/LC_MESSAGES/messages.po")):
        language = po.parent.parent.name
        with po.open("rb") as file:
            catalogue = read_po(file)
        with po.with_suffix(".mo").open("rb") as file:
            compiled = {message.id: message.string for message in read_mo(file) if message.id}
        for sentence in wanted:
            message = catalogue.get(sentence)
            if message is None or not message.string or message.fuzzy:
                found.append(f"{language}: not translated: {sentence!r}")
            elif sorted(PLACEHOLDER.findall(sentence)) != sorted(PLACEHOLDER.findall(message.string)):
                found.append(f"{language}: placeholders differ: {sentence!r} -> {message.string!r}")
            elif compiled.get(sentence) != message.string:
                found.append(f"{language}: the .mo is stale (run make translations): {sentence!r}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="change nothing; fail on a missing or stale translation")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "messages.pot"
        extract(pot)
        if not arguments.check:
            pybabel(["update", "-i", str(pot), "-d", str(CATALOGUES), "--no-fuzzy-matching",
                     "--ignore-obsolete", "-w", "120"])  # fmt: skip
            pybabel(["compile", "-d", str(CATALOGUES)])
        found = problems(pot)
    for problem in found:
        print(problem)
    print(f"{len(found)} sentence(s) to translate or recompile" if found else "every sentence is translated")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Fill the fuzz corpora from the repo's own files and ../shared/corpus (when
# present). The corpora are working directories, not committed.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/parse_text corpus/rule_pack corpus/rhai_script corpus/lsp_messages corpus/pdf_input
cp ../fixtures/*.txt ../fixtures/tables/*.txt corpus/parse_text/
cp ../fixtures/pdf/*.pdf corpus/pdf_input/
if [ -d ../../shared/corpus ]; then
    cp ../../shared/corpus/*.layout.txt corpus/parse_text/
    cp ../../shared/corpus/*.pdf corpus/pdf_input/
fi
cp ../rules/*.toml corpus/rule_pack/
find ../tests/data -name '*.toml' -exec cp {} corpus/rule_pack/ \;
cp ../rules/*.rhai corpus/rhai_script/
find ../tests/data -name '*.rhai' -exec cp {} corpus/rhai_script/ \;
# A short editor session: initialize, open the sample, hover, shutdown.
python3 - <<'PY'
import json
def frame(o):
    b = json.dumps(o, ensure_ascii=False).encode()
    return b"Content-Length: %d\r\n\r\n" % len(b) + b
text = open("../fixtures/jiangjin_egov_2024_final.txt", encoding="utf-8").read()[:4000]
uri = "file:///tmp/r.txt"
msgs = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
    {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1, "text": text}}},
    {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 5}}},
    {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text.replace("7", "8", 1)}]}},
    {"jsonrpc": "2.0", "id": 3, "method": "shutdown"},
    {"jsonrpc": "2.0", "method": "exit"},
]
open("corpus/lsp_messages/session", "wb").write(b"".join(frame(m) for m in msgs))
PY

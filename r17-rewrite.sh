#!/usr/bin/env bash
# r17-rewrite.sh moves the code outside runner/ to the names runner's split
# (issue 17, branch r17) gave its exported identifiers:
#
#   runner.Request, Header, Exchange, Parse, ...  -> httpfile.*
#   runner.Redactions, Redactor, Redacted, ...     -> redact.* (ParseRedactions -> redact.Parse, NewRedactor -> redact.New)
#   runner.Service, Client, BlockRef, Limits, ...  -> service.*
#   runner.Position -> fileerr.Pos, runner.ParseError -> fileerr.Error
#
# It is re-runnable: run it from the repository root (or anywhere: it cds
# there) after merging other branches, then `go build ./... && go vet ./...`.
# It touches only .go files outside runner/ that import
# github.com/snapdoc/snapdoc/runner, plus the Makefile's httpyac-wire target.
set -euo pipefail
cd "$(dirname "$0")"
root=$(git rev-parse --show-toplevel)
cd "$root"

mod=github.com/snapdoc/snapdoc
goimports="go run golang.org/x/tools/cmd/goimports@v0.53.0"

# The files to rewrite: outside runner/, importing the runner package.
mapfile -t files < <(git ls-files '*.go' | grep -v '^runner/' | xargs grep -l "\"$mod/runner\"" || true)
if [ ${#files[@]} -eq 0 ]; then
	echo "r17-rewrite: no file imports $mod/runner; nothing to do"
	exit 0
fi

# old -> new, one per line.
rules='
runner.Access -> service.Access
runner.AccessLog -> service.AccessLog
runner.AssertResult -> httpfile.AssertResult
runner.Assertion -> httpfile.Assertion
runner.BasicCredentials -> httpfile.BasicCredentials
runner.BlockRef -> service.BlockRef
runner.BodyPart -> httpfile.BodyPart
runner.Budget -> service.Budget
runner.Budgets -> service.Budgets
runner.BuildOutgoing -> httpfile.BuildOutgoing
runner.Caller -> service.Caller
runner.CallerOf -> service.CallerOf
runner.Catalog -> service.Catalog
runner.CheckListen -> service.CheckListen
runner.CheckOrigins -> service.CheckOrigins
runner.Client -> service.Client
runner.Collapser -> service.Collapser
runner.DecodeContent -> httpfile.DecodeContent
runner.DefaultClientBudget -> service.DefaultClientBudget
runner.DefaultLimits -> service.DefaultLimits
runner.DefaultOriginBudget -> service.DefaultOriginBudget
runner.DerivedSecret -> httpfile.DerivedSecret
runner.EncodeContent -> httpfile.EncodeContent
runner.EnvRef -> httpfile.EnvRef
runner.ErrUnknownBlock -> service.ErrUnknownBlock
runner.Exchange -> httpfile.Exchange
runner.Expand -> httpfile.Expand
runner.Gate -> service.Gate
runner.Header -> httpfile.Header
runner.IsLoopback -> service.IsLoopback
runner.IsVolatile -> redact.IsVolatile
runner.LimitConns -> service.LimitConns
runner.Limits -> service.Limits
runner.LocalBudgets -> service.LocalBudgets
runner.LocalCollapser -> service.LocalCollapser
runner.Metrics -> service.Metrics
runner.MinSearchLen -> redact.MinSearchLen
runner.NewGate -> service.NewGate
runner.NewHTTPServer -> service.NewHTTPServer
runner.NewLocalBudgets -> service.NewLocalBudgets
runner.NewMetrics -> service.NewMetrics
runner.NewRedactor -> redact.New
runner.NewWireExchange -> service.NewWireExchange
runner.NoteBlock -> service.NoteBlock
runner.NoteRefused -> service.NoteRefused
runner.OriginBudget -> service.OriginBudget
runner.OriginBudgetError -> service.OriginBudgetError
runner.Outgoing -> httpfile.Outgoing
runner.Parse -> httpfile.Parse
runner.ParseError -> fileerr.Error
runner.ParseOptions -> httpfile.ParseOptions
runner.ParseProxies -> service.ParseProxies
runner.ParseRedactions -> redact.Parse
runner.Position -> fileerr.Pos
runner.Redacted -> redact.Redacted
runner.Redactions -> redact.Redactions
runner.Redactor -> redact.Redactor
runner.Request -> httpfile.Request
runner.RunResult -> service.RunResult
runner.Segment -> httpfile.Segment
runner.Segments -> httpfile.Segments
runner.Service -> service.Service
runner.ServiceError -> service.ServiceError
runner.WireAssert -> service.WireAssert
runner.WireExchange -> service.WireExchange
runner.WireRequest -> service.WireRequest
runner.WireResponse -> service.WireResponse
'

# The preview's overlay read a *runner.ParseError's Msg and Pos; the one
# positioned error, *fileerr.Error, carries them (runner's RequestError and
# AssertionError answer errors.As for it too). Done before the renames, on
# the old text; a no-op once done.
python3 - generator/serve/serve.go <<'EOF'
import re, sys
p = sys.argv[1]
try:
    s = open(p).read()
except FileNotFoundError:
    sys.exit(0)
old = re.compile(r'\tvar pe \*runner\.ParseError\n\tif errors\.As\(err, &pe\) \{\n\t\treturn preview\.BuildError\{Message: pe\.Msg, File: pe\.Pos\.File, Line: pe\.Pos\.Line, Col: pe\.Pos\.Col\}\n\t\}\n')
if old.search(s):
    if 'fileerr.As(err)' in s:
        new = ''  # another branch already reads the one positioned error
    else:
        new = ('\tif fe, ok := fileerr.As(err); ok {\n'
               '\t\treturn preview.BuildError{Message: fe.Err.Error(), File: fe.File, Line: fe.Line, Col: fe.Col}\n'
               '\t}\n')
    s = old.sub(new, s)
    open(p, 'w').write(s)
    print('r17-rewrite: %s: buildError reads *fileerr.Error' % p)
elif 'runner.ParseError' in s:
    print('r17-rewrite: %s: runner.ParseError is used in a way this script does not know; convert it to fileerr.As by hand' % p, file=sys.stderr)
EOF

# Rename, rule by rule (gofmt -r rewrites expressions and types alike).
while IFS= read -r rule; do
	[ -n "$rule" ] || continue
	gofmt -r "$rule" -w "${files[@]}"
done <<<"$rules"

# The same renames in comments (doc links such as [runner.Request] and
# plain mentions), on comment lines only, in any file outside runner/.
mapfile -t commented < <(git ls-files '*.go' | grep -v '^runner/' | xargs grep -l 'runner\.' || true)
python3 - "$rules" "${commented[@]}" <<'EOF'
import re, sys
rules = [l.split(' -> ') for l in sys.argv[1].strip().split('\n') if l.strip()]
for p in sys.argv[2:]:
    lines = open(p).read().split('\n')
    changed = False
    for i, l in enumerate(lines):
        if not l.lstrip().startswith('//'):
            continue
        n = l
        for old, new in rules:
            n = re.sub(r'\b%s\b' % re.escape(old), new, n)
        if n != l:
            lines[i], changed = n, True
    if changed:
        open(p, 'w').write('\n'.join(lines))
EOF

# Import the new packages where they are now used, beside the runner
# import (so the file's grouping stays), then let goimports drop the
# runner import where nothing uses it any more, and sort.
python3 - "$mod" "${files[@]}" <<'EOF'
import re, sys
mod, files = sys.argv[1], sys.argv[2:]
paths = {'httpfile': 'runner/httpfile', 'redact': 'runner/redact', 'service': 'runner/service', 'fileerr': 'internal/fileerr'}
for p in files:
    s = open(p).read()
    need = [n for n in paths if re.search(r'\b%s\.[A-Z]' % n, s) and '"%s/%s"' % (mod, paths[n]) not in s]
    if not need:
        continue
    anchor = '\t"%s/runner"\n' % mod
    if anchor not in s:
        print('r17-rewrite: %s: no runner import to add %s beside' % (p, need), file=sys.stderr)
        sys.exit(1)
    s = s.replace(anchor, anchor + ''.join('\t"%s/%s"\n' % (mod, paths[n]) for n in need), 1)
    open(p, 'w').write(s)
EOF
$goimports -w "${files[@]}"

# The httpyac wire test moved with the service's wire format.
python3 - <<'EOF'
old = "\t$(GO) test -run '^TestHTTPYacWire$$' ./runner\n"
s = open('Makefile').read()
if old in s:
    open('Makefile', 'w').write(s.replace(old, old[:-1] + '/service\n'))
EOF

# The wire comparison's note names the test's new home.
python3 - <<'EOF'
p = 'docs/http-wire-vs-httpyac.md'
try:
    s = open(p).read()
except FileNotFoundError:
    raise SystemExit
for old, new in [('`runner/httpyac_wire_test.go`', '`runner/service/httpyac_wire_test.go`'),
                 ('`runner.Parse` then', '`httpfile.Parse` then'),
                 ('go test ./runner -run TestHTTPYacWire', 'go test ./runner/service -run TestHTTPYacWire')]:
    s = s.replace(old, new)
open(p, 'w').write(s)
EOF

# README's layout table and corpus note name the new packages.
python3 - <<'EOF'
p = 'README.md'
try:
    s = open(p).read()
except FileNotFoundError:
    raise SystemExit
row = "| `runner` | the .http parser, request execution, snapshots, the runner service, the embedded demo API |\n"
rows = ("| `runner` | request execution, failure classes, assertions, snapshots, the embedded demo API |\n"
        "| `runner/httpfile` | the .http format and request model: requests in, and the exchange model of what came back |\n"
        "| `runner/jsonpath` | one value of a JSON body by path, for assertions and response variables |\n"
        "| `runner/redact` | secrets out of exchanges, text and errors |\n"
        "| `runner/service` | the runner over HTTP (`snapdoc runner`) and its client |\n")
s = s.replace(row, rows).replace('`runner/parse_test.go` checks', '`runner/httpfile/parse_test.go` checks')
open(p, 'w').write(s)
EOF

# What is left for a human: a local name that now shadows a package.
if ! go build ./... 2>/tmp/r17-rewrite.err; then
	echo "r17-rewrite: go build ./... fails after the rewrite:" >&2
	cat /tmp/r17-rewrite.err >&2
	exit 1
fi
echo "r17-rewrite: done over the ${#files[@]} files that import runner; go build ./... passes"

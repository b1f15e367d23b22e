package generator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/snapdoc/snapdoc/generator/snippet"
	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/internal/safeopen"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"
	"github.com/snapdoc/snapdoc/runner/service"
)

// CheckState is what checking a block found.
type CheckState string

// The states of a checked block.
const (
	// CheckOK: the block returns what its snapshot recorded.
	CheckOK CheckState = "ok"
	// CheckDrift: it returns something else; Diff shows what.
	CheckDrift CheckState = "drift"
	// CheckUnrecorded: it has no snapshot; a build records one.
	CheckUnrecorded CheckState = "unrecorded"
	// CheckChanged: its requests changed since its snapshot was recorded.
	CheckChanged CheckState = "changed"
	// CheckFailed: it could not be run (see [runner.Failure]); that is
	// no drift, and says nothing of its snapshot.
	CheckFailed CheckState = "failed"
	// CheckNoRun: the author asked not to run it.
	CheckNoRun CheckState = "norun"
)

// BlockCheck is what checking one block found.
type BlockCheck struct {
	// File and Line locate the block; Block is its id.
	File  string
	Line  int
	Block string
	State CheckState
	// Diff shows the recorded output (-) against the new one (+), for
	// CheckDrift.
	Diff string
	// Err is why a CheckFailed block could not be run, and Failure its
	// class.
	Err     error
	Failure runner.Failure
}

// Passed reports whether the block needs no attention: it is ok, or not
// run by its author's choice.
func (c *BlockCheck) Passed() bool { return c.State == CheckOK || c.State == CheckNoRun }

// Check runs every block of the site again, through the runner, and
// reports on each, in the order of the lessons and their blocks: whether
// its output drifted from its snapshot, or it could not be run. The
// error is for a site that cannot be checked at all, or a snapshot that
// cannot be read. Nothing is written.
func Check(ctx context.Context, opts Options) ([]BlockCheck, error) {
	site, err := opts.load(newSiteMarkdown(opts.Source), nil)
	if err != nil {
		return nil, err
	}
	cfg, lessons := site.cfg, site.lessons
	if opts.Runner == nil {
		rn, closeRunner, err := newRunner(&cfg, opts.Source, opts.Logger)
		if err != nil {
			return nil, err
		}
		defer closeRunner()
		opts.Runner = rn
	}
	var (
		checks = make([][]BlockCheck, len(lessons))
		errs   = make([]error, len(lessons))
	)
	parallel(len(lessons), func(i int) {
		l := lessons[i]
		if len(l.Blocks) == 0 {
			return
		}
		snap, err := readSnapshot(opts.Source, l.File)
		if err != nil {
			errs[i] = err
			return
		}
		for _, b := range l.Blocks {
			checks[i] = append(checks[i], checkBlock(ctx, &opts, l, b, snap.Record(b.ID)))
		}
	})
	return slices.Concat(checks...), errors.Join(errs...)
}

// CheckFile is [Check] for the blocks of one source file, a lesson or a
// .http file (a slash-separated path relative to opts.Source), wherever
// it is in the site, drafts too: the snapshot it is compared with is the
// one a build of the site would record for it.
func CheckFile(ctx context.Context, opts Options, file string) ([]BlockCheck, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	blocks, err := LoadBlocks(os.DirFS(opts.Source), &cfg, file)
	if err != nil {
		return nil, err
	}
	file = path.Clean(strings.TrimPrefix(file, "./"))
	snap, err := readSnapshot(opts.Source, file)
	if err != nil {
		return nil, err
	}
	if opts.Runner == nil {
		rn, closeRunner, err := newRunner(&cfg, opts.Source, opts.Logger)
		if err != nil {
			return nil, err
		}
		defer closeRunner()
		opts.Runner = rn
	}
	l := &Lesson{File: file}
	var checks []BlockCheck
	for _, b := range blocks {
		checks = append(checks, checkBlock(ctx, &opts, l, b, snap.Record(b.ID)))
	}
	return checks, nil
}

// checkBlock runs the block again and compares its output with old, its
// record, which may be nil.
func checkBlock(ctx context.Context, opts *Options, l *Lesson, b *Block, old *runner.Record) BlockCheck {
	c := BlockCheck{File: l.File, Line: b.Line, Block: b.ID}
	if b.NoRun {
		c.State = CheckNoRun
		return c
	}
	ex, err := opts.Runner.Run(ctx, service.BlockRef{File: l.File, Block: b.ID}, b.Requests, b.RunOptions(opts.Source, l.File))
	switch {
	case err != nil:
		c.State, c.Err, c.Failure = CheckFailed, err, runner.Classify(err)
	case old == nil:
		c.State = CheckUnrecorded
	case old.Hash != runner.Hash(b.Requests):
		c.State = CheckChanged
	default:
		c.Diff = lineDiff(comparable(old.Exchanges, b.ignore), comparable(ex, b.ignore))
		c.State = CheckOK
		if c.Diff != "" {
			c.State = CheckDrift
		}
	}
	return c
}

// volatileMark stands for the value of a volatile field in compared
// outputs.
const volatileMark = "(volatile)"

// comparable is the text of exchanges that must not change between runs:
// the snapshot form without the parts that vary by design (the time it
// was recorded, Cache-Status ttls and Age), with the values of the
// volatile fields masked, and without what does not change the meaning of
// a response: the reason phrase, the case of field names and the order of
// fields with different names (RFC 9110, 5.3). Fields of one name keep
// their order, and every other value counts.
func comparable(ex []*httpfile.Exchange, volatile redact.Redactions) []string {
	norm := make([]*httpfile.Exchange, len(ex))
	for i, e := range ex {
		if !volatile.Empty() {
			e = volatile.Mask(e, volatileMark)
		}
		n := *e
		n.Reason = ""
		n.Headers = nil
		for _, h := range e.Headers {
			if name := http.CanonicalHeaderKey(h.Name); name != "Age" {
				n.Headers = append(n.Headers, httpfile.Header{Name: name, Value: h.Value})
			}
		}
		slices.SortStableFunc(n.Headers, func(a, b httpfile.Header) int { return strings.Compare(a.Name, b.Name) })
		norm[i] = &n
	}
	snap := &runner.Snapshot{Blocks: []*runner.Record{{Block: "x", Hash: "x", Exchanges: norm}}}
	var keep []string
	for _, line := range strings.Split(string(snap.Marshal()), "\n") {
		if strings.HasPrefix(line, "cache-status ") || strings.HasPrefix(line, "#") ||
			strings.HasPrefix(line, "recorded ") || strings.HasPrefix(line, "block ") || strings.HasPrefix(line, "hash ") {
			continue
		}
		keep = append(keep, line)
	}
	return keep
}

// lineDiff shows the lines only in a with "-" and those only in b with
// "+", around their longest common subsequence; "" when equal.
func lineDiff(a, b []string) string {
	// Trim the common prefix and suffix, then run the quadratic LCS on
	// what is left, which for a drifted response is small.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	a, b = a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(a) == 0 && len(b) == 0 {
		return ""
	}
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var s strings.Builder
	fmt.Fprintf(&s, "@@ line %d of the output @@\n", pre+1)
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			s.WriteString("  " + a[i] + "\n")
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			s.WriteString("- " + a[i] + "\n") // the old line before the new, as diffs go
			i++
		default:
			s.WriteString("+ " + b[j] + "\n")
			j++
		}
	}
	return s.String()
}

// SnippetFailure is a code example that did not send the request its
// block declares, or did not print the response.
type SnippetFailure struct {
	// Pos is the request's position; Lang the language of the code.
	Pos  fileerr.Pos
	Lang string
	Err  error
}

// CheckSnippets runs the code of every request of the site's lessons, in
// each language the lesson shows, against a loopback echo server, and
// reports the code that does not send exactly the declared request or
// print what came back. Languages whose interpreter is missing are
// reported in skipped, once each.
func CheckSnippets(ctx context.Context, opts Options) (failures []SnippetFailure, skipped []error, err error) {
	site, err := opts.load(newSiteMarkdown(opts.Source), nil)
	if err != nil {
		return nil, nil, err
	}
	cfg, lessons, set := site.cfg, site.lessons, site.theme.snippets
	byLang := map[string][]snippet.Step{}
	var langs []string
	for _, l := range lessons {
		dir := safeopen.FS(opts.Source, path.Dir(l.File), safeopen.MaxFile)
		snap, err := readSnapshot(opts.Source, l.File)
		if err != nil {
			return nil, nil, err
		}
		for _, b := range l.Blocks {
			// The code of a request the runner's cache answered
			// reproduces it, as the page shows it (see snippet.Cached).
			var cached []*snippet.Cached
			if rec := snap.Record(b.ID); rec != nil && rec.Hash == runner.Hash(b.Requests) {
				cached = snippet.CachedSteps(rec.Exchanges)
			}
			for i, r := range b.Requests {
				r, err := snippet.InlineBodyFile(r, dir)
				if errors.Is(err, snippet.ErrCannotExpress) {
					continue // not shown on the page
				}
				if err != nil {
					return nil, nil, err
				}
				for _, lang := range orderLanguages(cfg.Languages, l.Language, l.Languages) {
					if _, ok := set.Language(lang); !ok || set.Supports(lang, r) != nil {
						continue // not shown on the page
					}
					if byLang[lang] == nil {
						langs = append(langs, lang)
					}
					st := snippet.Step{Request: r}
					if i < len(cached) {
						st.Cached = cached[i]
					}
					byLang[lang] = append(byLang[lang], st)
				}
			}
		}
	}
	slices.Sort(langs)
	for _, lang := range langs {
		steps := byLang[lang]
		errs := set.VerifySteps(ctx, lang, steps, snippet.VerifyOptions{})
		if len(errs) > 0 && errors.Is(errs[0], snippet.ErrNoInterpreter) {
			skipped = append(skipped, fmt.Errorf("%s: not verified: %w", lang, errs[0]))
			continue
		}
		for i, err := range errs {
			if err != nil && !errors.Is(err, snippet.ErrCannotExpress) { // not shown on the page
				failures = append(failures, SnippetFailure{Pos: steps[i].Request.Pos, Lang: lang, Err: err})
			}
		}
	}
	return failures, skipped, nil
}

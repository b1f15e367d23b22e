package generator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/snapdoc/snapdoc/generator/search"
	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/internal/sitepath"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/service"
)

// Session builds a site in memory, then rebuilds it after changes,
// re-rendering only the pages a change affects: an edited lesson
// re-renders its page, the pages that list it (its tags and categories,
// the lessons that show it as related, the home page, feed, sitemap and
// search index); a change to the config or the theme re-renders
// everything. snapdoc serve uses it. A Session is not safe for concurrent
// use.
type Session struct {
	opts Options

	cfg     SiteConfig
	theme   *Theme
	md      *Markdown
	lessons map[string]*Lesson // by file
	// warnings are the warnings that still hold, by lesson file: those
	// of each lesson's last run.
	warnings map[string][]error
	site     *Site
	files    map[string][]byte
	ready    bool

	runner      BlockRunner // the local runner, opened on first use
	closeRunner func() error
}

// Close releases the session's runner.
func (s *Session) Close() error {
	if s.closeRunner == nil {
		return nil
	}
	err := s.closeRunner()
	s.runner, s.closeRunner = nil, nil
	return err
}

// NewSession returns a session that builds the site opts describe; Dest is
// not used. Rendered pages are marked as served by snapdoc serve.
func NewSession(opts Options) *Session {
	return &Session{opts: opts, md: newSiteMarkdown(opts.Source)}
}

// Update is the result of [Session.Update].
type Update struct {
	// Files are all the files of the site, by slash-separated path; the
	// caller must not modify them.
	Files map[string][]byte
	// Changed are the paths of the files that changed, sorted.
	Changed []string
	// Rendered are the paths of the files rendered again, sorted.
	Rendered []string
	// Added are the site paths of lessons this update added, such as
	// "new-lesson/".
	Added []string
	// Warnings are problems that did not fail the build, found by this
	// update.
	Warnings []error
	// Standing are all the warnings that still hold: those of this
	// update, and those earlier updates found in lessons this one did
	// not run again.
	Standing []error
}

// Update brings the site up to date with the changed paths (relative to
// the site's root, slash-separated); nil means everything may have
// changed. After an error the session keeps its last good site, and the
// next Update rebuilds everything.
func (s *Session) Update(ctx context.Context, changed []string) (*Update, error) {
	if !s.ready || changed == nil || slices.ContainsFunc(changed, needsFullBuild) {
		return s.full(ctx)
	}
	u, err := s.incremental(ctx, changed)
	if err != nil {
		s.ready = false
	}
	return u, err
}

// needsFullBuild reports whether a change to path p affects every page.
func needsFullBuild(p string) bool {
	return p == ConfigFile || p == "templates" || strings.HasPrefix(p, "templates/") ||
		p == ContentDir || p == SnapshotDir || p == StaticDir || strings.HasPrefix(p, StaticDir+"/") ||
		strings.HasPrefix(p, ContentDir+"/") && !strings.HasSuffix(p, ".md")
}

func (s *Session) full(ctx context.Context) (*Update, error) {
	if err := s.Close(); err != nil { // the config may route hosts anew
		return nil, err
	}
	in, err := s.opts.load(s.md, nil)
	if err != nil {
		return nil, err
	}
	cfg, lessons, theme := in.cfg, in.lessons, in.theme
	warnings, err := s.run(ctx, &cfg, lessons)
	if err != nil {
		return nil, err
	}
	for _, w := range in.warnings {
		pos, _ := fileerr.As(w)
		warnings[pos.File] = append(warnings[pos.File], w)
	}
	site := newSite(cfg, lessons)
	out := &memSink{files: map[string][]byte{}}
	r := &builder{site: site, theme: theme, md: s.md, out: out, source: s.opts.Source, dev: true}
	if err := r.render(ctx, nil); err != nil {
		return nil, err
	}
	all := allWarnings(warnings)
	u := &Update{Files: out.files, Changed: diffFiles(s.files, out.files), Rendered: out.names(), Warnings: all, Standing: all}
	s.cfg, s.theme, s.site, s.files, s.ready = cfg, theme, site, out.files, true
	s.warnings = warnings
	s.lessons = make(map[string]*Lesson, len(lessons))
	for _, l := range lessons {
		s.lessons[l.File] = l
	}
	return u, nil
}

func (s *Session) incremental(ctx context.Context, changed []string) (*Update, error) {
	fsys := os.DirFS(s.opts.Source)
	lessons := maps.Clone(s.lessons)
	var touched []*Lesson // new and edited lessons
	var gone []*Lesson    // removed lessons, and the old versions of edited ones
	for _, file := range lessonFiles(changed) {
		if old := lessons[file]; old != nil {
			gone = append(gone, old)
			delete(lessons, file)
		}
		src, err := fs.ReadFile(fsys, file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read lesson: %w", err)
		}
		l, err := ParseLesson(file, src, s.md)
		if err != nil {
			return nil, err
		}
		if l.Draft && !s.opts.Drafts {
			continue
		}
		if err := parseBlocks(&s.cfg, []*Lesson{l}); err != nil {
			return nil, err
		}
		lessons[l.File] = l
		touched = append(touched, l)
	}
	list := slices.Collect(maps.Values(lessons))
	sortLessons(list)
	linkWarnings, err := s.opts.links(&s.cfg, list)
	if err != nil {
		return nil, err
	}
	if err := checkLanguages(s.opts.Source, nil, s.theme.snippets, touched); err != nil {
		return nil, err
	}
	warnings, err := s.run(ctx, &s.cfg, touched)
	if err != nil {
		return nil, err
	}
	// The bad links of the touched lessons; another lesson's, which an
	// edit here may break, show at the next full build.
	for _, w := range linkWarnings {
		if pos, _ := fileerr.As(w); pos != nil && slices.ContainsFunc(touched, func(l *Lesson) bool { return l.File == pos.File }) {
			warnings[pos.File] = append(warnings[pos.File], w)
		}
	}
	site := newSite(s.cfg, list)

	// Plan the pages to redo. A lesson whose listing is unchanged (an
	// edit of its body) needs its own page only; otherwise the pages
	// that list it need redoing too: the terms its old and new versions
	// carry, the lists of the site, and the lessons that show it, or now
	// would show it, as related, all of which share a tag with it.
	p := &plan{lessons: map[*Lesson]bool{}, terms: map[string]bool{}}
	for _, l := range touched {
		p.lessons[l] = true
	}
	relisted := map[string]bool{}
	now := map[string]*Lesson{}
	for _, l := range touched {
		now[l.File] = l
		if old := s.lessons[l.File]; old == nil || old.listing() != l.listing() {
			relisted[l.File] = true
		}
	}
	for _, old := range gone {
		if l := now[old.File]; l == nil || l.listing() != old.listing() {
			relisted[old.File] = true
		}
	}
	if len(relisted) > 0 {
		p.lists = true
		for _, l := range append(slices.Clone(touched), gone...) {
			if !relisted[l.File] {
				continue
			}
			for _, t := range l.Tags {
				p.terms[taxonomyURL("tags", t)] = true
				for _, o := range s.site.tagLessons(t) {
					p.lessons[lessons[o.File]] = lessons[o.File] != nil
				}
				for _, o := range site.tagLessons(t) {
					p.lessons[o] = true
				}
			}
			if l.Category != "" {
				p.terms[taxonomyURL("categories", l.Category)] = true
			}
			// The lessons before and after it, then and now, link to it.
			for _, n := range slices.Concat(neighbourFiles(s.site, s.lessons[l.File]), neighbourFiles(site, lessons[l.File])) {
				if nl := lessons[n]; nl != nil {
					p.lessons[nl] = true
				}
			}
		}
	}

	// Every page's header lists the categories, and a new or removed
	// one is a change to every page.
	if !slices.EqualFunc(s.site.Categories, site.Categories, func(a, b *Term) bool { return a.Name == b.Name && a.URL == b.URL }) {
		p = nil
	}
	// An alias page dropped or moved leaves its old file behind unless
	// every page is made anew.
	for _, l := range touched {
		if old := s.lessons[l.File]; old != nil && !slices.Equal(old.Aliases, l.Aliases) || old == nil && len(l.Aliases) > 0 {
			p = nil
		}
	}
	for _, old := range gone {
		if len(old.Aliases) > 0 {
			p = nil
		}
	}
	// A section's page lists its lessons and subsections, and the pages
	// below it name it in their breadcrumbs: on a site with sections, a
	// change to what lists a lesson redoes every page.
	if len(relisted) > 0 && (len(site.sections.byDir) > 0 || len(s.site.sections.byDir) > 0) {
		p = nil
	}

	files := map[string][]byte{} // all pages are rendered when p is nil
	if p != nil {
		files = maps.Clone(s.files)
		for _, l := range gone {
			delete(files, sitepath.File(l.URL()))
		}
		if p.search() { // made anew, maybe of fewer files
			for name := range files {
				if strings.HasPrefix(name, search.Dir+"/") {
					delete(files, name)
				}
			}
		}
		for url := range p.terms {
			delete(files, sitepath.File(url))
			for name := range files {
				if strings.HasPrefix(name, url+"page/") {
					delete(files, name)
				}
			}
		}
	}
	s.theme.forgetCards(gone)
	out := &memSink{files: files}
	r := &builder{site: site, theme: s.theme, md: s.md, out: out, source: s.opts.Source, dev: true}
	if err := r.render(ctx, p); err != nil {
		return nil, err
	}
	standing := map[string][]error{}
	maps.Copy(standing, s.warnings)
	for _, l := range slices.Concat(gone, touched) {
		delete(standing, l.File)
	}
	maps.Copy(standing, warnings)
	u := &Update{Files: files, Changed: diffFiles(s.files, files), Rendered: out.names(), Warnings: allWarnings(warnings), Standing: allWarnings(standing)}
	for _, l := range touched {
		if s.lessons[l.File] == nil {
			u.Added = append(u.Added, l.URL())
		}
	}
	s.lessons, s.site, s.files, s.warnings = lessons, site, files, standing
	return u, nil
}

// blockRunner is the options' runner, or else the session's local one,
// opened on first use from cfg.
func (s *Session) blockRunner(cfg *SiteConfig) (BlockRunner, error) {
	if s.opts.Runner != nil {
		return s.opts.Runner, nil
	}
	if s.runner == nil {
		rn, closeRunner, err := newRunner(cfg, s.opts.Source, s.opts.Logger)
		if err != nil {
			return nil, err
		}
		s.runner, s.closeRunner = rn, closeRunner
	}
	return s.runner, nil
}

// run resolves the blocks of lessons as a build does, writing the
// snapshots that changed at once: a preview has no later commit point,
// and the watcher then sees the snapshot as unchanged.
func (s *Session) run(ctx context.Context, cfg *SiteConfig, lessons []*Lesson) (map[string][]error, error) {
	opts := s.opts
	// A preview shows a block it cannot record as such, and goes on.
	opts.KeepGoing = true
	if opts.Run != RunReplay {
		rn, err := s.blockRunner(cfg)
		if err != nil {
			return nil, err
		}
		opts.Runner = rn
	}
	snapshots, warnings, _, err := runBlocks(ctx, &opts, lessons, time.Now())
	if err != nil {
		return nil, err
	}
	if ws := cfg.Warnings(); len(ws) > 0 {
		warnings[ConfigFile] = ws
	}
	if len(snapshots) == 0 {
		return warnings, nil
	}
	// A build may be writing the site too: the preview waits for it.
	lock, err := s.opts.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	for p, snap := range snapshots {
		if err := runner.WriteSnapshot(p, snap); err != nil {
			return nil, err
		}
	}
	return warnings, nil
}

// lessonFiles are the lesson files among changed paths: content/*.md
// directly, and the lesson whose snapshot changed.
func lessonFiles(changed []string) []string {
	var files []string
	for _, p := range changed {
		switch {
		case strings.HasPrefix(p, ContentDir+"/") && strings.HasSuffix(p, ".md"):
			files = append(files, p)
		case strings.HasPrefix(p, SnapshotDir+"/") && strings.HasSuffix(p, ".snap"):
			files = append(files, ContentDir+"/"+strings.TrimSuffix(strings.TrimPrefix(p, SnapshotDir+"/"), ".snap")+".md")
		}
	}
	slices.Sort(files)
	return slices.Compact(files)
}

// diffFiles returns the paths whose content differs between old and new,
// sorted.
func diffFiles(old, new map[string][]byte) []string {
	var changed []string
	for p, b := range new {
		if o, ok := old[p]; !ok || !bytes.Equal(o, b) {
			changed = append(changed, p)
		}
	}
	for p := range old {
		if _, ok := new[p]; !ok {
			changed = append(changed, p)
		}
	}
	slices.Sort(changed)
	return changed
}

// memSink keeps a built site in memory.
type memSink struct {
	mu      sync.Mutex
	files   map[string][]byte
	written []string
}

func (m *memSink) write(name string, data []byte) error {
	name = path.Clean(name)
	m.mu.Lock()
	m.files[name] = bytes.Clone(data)
	m.written = append(m.written, name)
	m.mu.Unlock()
	return nil
}

// names are the paths written, sorted.
func (m *memSink) names() []string {
	slices.Sort(m.written)
	return m.written
}

// ErrUnknownBlock is returned by [Session.RunBlock] for a block the site
// does not declare, or declares norun.
var ErrUnknownBlock = service.ErrUnknownBlock

// ErrHashMismatch is returned by [Session.RunBlock] for a block whose
// requests are not those of the hash the caller gave: the page that asked
// shows an older version of the lesson.
var ErrHashMismatch = errors.New("the lesson changed since the page was loaded; reload it")

// RunBlock runs the block ref of a lesson again through the session's
// runner and returns its output as the theme renders it, for the preview's
// Run button. Only a block the site publishes may run (see
// [PublishedBlocks]; drafts as the session's options say); when ref.Hash
// is set, it must be the block's. With record set it also writes the new
// output into the lesson's snapshot, which the preview's watcher then
// picks up. A run whose assertions fail records nothing and returns the
// failure, with the result of each assertion.
func (s *Session) RunBlock(ctx context.Context, ref service.BlockRef, record bool) (template.HTML, error) {
	if !s.ready {
		return "", errors.New("the site has not been built yet")
	}
	file, block := ref.File, ref.Block
	blocks, err := PublishedBlocks(s.opts.Source, &s.cfg, file, s.opts.Drafts)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(blocks, func(b *Block) bool { return b.ID == block && !b.NoRun })
	if i < 0 {
		return "", fmt.Errorf("%s block %s: %w", file, block, ErrUnknownBlock)
	}
	b := blocks[i]
	if ref.Hash != "" && ref.Hash != runner.Hash(b.Requests) {
		return "", fmt.Errorf("%s block %s: %w", file, block, ErrHashMismatch)
	}
	rn, err := s.blockRunner(&s.cfg)
	if err != nil {
		return "", err
	}
	ex, err := rn.Run(ctx, service.BlockRef{File: file, Block: block}, b.Requests, b.RunOptions(s.opts.Source, file))
	var ae *runner.AssertionError
	if errors.As(err, &ae) && len(ex) > 0 {
		// The author sees which checks failed; nothing is recorded.
		return s.renderOutput(&Example{Block: b, File: file, Dev: true, State: "unrecorded", Error: runner.ReaderText(err), Failure: string(runner.Classify(err)), FailedChecks: ex[len(ex)-1].Asserts})
	}
	if err != nil {
		return "", err
	}
	rec := &runner.Record{Block: b.ID, Hash: runner.Hash(b.Requests), Recorded: s.opts.now().UTC().Truncate(time.Second), Exchanges: ex}
	if record {
		if err := s.record(ctx, file, blocks, rec); err != nil {
			return "", err
		}
	}
	e := &Example{Block: b, File: file, Dev: true}
	e.show(rec, "recorded")
	return s.renderOutput(e)
}

// renderOutput renders the example's output with the theme's "output"
// partial.
func (s *Session) renderOutput(e *Example) (template.HTML, error) {
	r := &builder{site: s.site, theme: s.theme, md: s.md, source: s.opts.Source, dev: true}
	var buf bytes.Buffer
	e.Outputs = r.outputs(e)
	if err := s.theme.Execute(&buf, "output", e); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// record writes rec into the snapshot of file, in the place of the
// block's previous record, holding the site's lock.
func (s *Session) record(ctx context.Context, file string, blocks []*Block, rec *runner.Record) error {
	lock, err := s.opts.lock(ctx)
	if err != nil {
		return err
	}
	defer lock.Release()
	path := runner.SnapshotPath(filepath.Join(s.opts.Source, SnapshotDir), file)
	old, err := readSnapshot(s.opts.Source, file)
	if err != nil {
		return err
	}
	next := &runner.Snapshot{Source: file}
	for _, b := range blocks {
		switch r := old.Record(b.ID); {
		case b.ID == rec.Block:
			next.Blocks = append(next.Blocks, rec)
		case r != nil:
			next.Blocks = append(next.Blocks, r)
		}
	}
	return runner.WriteSnapshot(path, next)
}

// neighbourFiles returns the files of the lessons before and after l in
// site (see [Site.neighbours]); none when l is nil.
func neighbourFiles(site *Site, l *Lesson) []string {
	if site == nil || l == nil {
		return nil
	}
	var files []string
	prev, next := site.neighbours(l)
	for _, n := range []*Lesson{prev, next} {
		if n != nil {
			files = append(files, n.File)
		}
	}
	return files
}

package generator

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/internal/safeopen"
	"github.com/snapdoc/snapdoc/internal/sitelock"
	"github.com/snapdoc/snapdoc/internal/sitepath"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/templates"
)

// Options configure a build.
type Options struct {
	// Source is the site's root directory.
	Source string
	// Dest is the output directory; "" means public/ under Source.
	Dest string
	// Drafts includes lessons marked draft.
	Drafts bool
	// BaseURL, when set, overrides the config's base_url.
	BaseURL string
	// Theme is the default theme, nil for the embedded one
	// ([templates.FS]); a site's templates/ overrides its files.
	Theme fs.FS
	// Logger receives progress; nil discards it.
	Logger *slog.Logger
	// Run says when http blocks are executed; Strict makes a block that
	// cannot be run an error instead of a warning.
	Run    RunMode
	Strict bool
	// KeepGoing publishes a block that cannot be recorded, because it has
	// no snapshot of its current requests, as not recorded yet, with a
	// warning, instead of failing the build.
	KeepGoing bool
	// Runner executes blocks; nil uses a local runner configured by the
	// site's runner section, with its shared cache under .snapdoc/.
	Runner BlockRunner
	// Now is the clock that dates snapshots; time.Now when nil.
	Now func() time.Time
	// Progress, when set, shows the progress of a build that takes more
	// than a second; give it a terminal, not a pipe.
	Progress io.Writer
	// NoWait fails a build at once, with a *sitelock.BusyError, when
	// another process is writing the site; otherwise the build waits for
	// it, saying so to Waiting when set.
	NoWait  bool
	Waiting io.Writer
	// WarnLinks makes a link to a missing lesson, heading or file a
	// warning instead of an error (see [resolveLinks]).
	WarnLinks bool
}

// lock takes the lock of the site, which a build holds while it writes
// (see [sitelock]).
func (o *Options) lock(ctx context.Context) (*sitelock.Lock, error) {
	if err := stateDir(o.Source); err != nil {
		return nil, err
	}
	site, err := filepath.Abs(o.Source)
	if err != nil {
		return nil, err
	}
	return sitelock.Acquire(ctx, site, filepath.Join(site, StateDir), sitelock.Options{NoWait: o.NoWait, Waiting: o.Waiting})
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Result says what a build did.
type Result struct {
	Dest    string
	Lessons int
	Pages   int
	// Written counts the files that changed; a build that changes nothing
	// writes nothing.
	Written int
	// Kept counts the pages kept without rendering, because nothing they
	// are made from changed since the last build.
	Kept int
	// Run, Replayed and Failed count the http blocks executed, shown from
	// their snapshots, and that could not be run.
	Run, Replayed, Failed int
	// Warnings are problems that did not fail the build, such as a block
	// that could not be run and kept its previous snapshot.
	Warnings []error
	// UpToDate is set when the build found its inputs and outputs as the
	// last build left them, and did nothing.
	UpToDate bool
	Elapsed  time.Duration
}

// checkDest refuses a destination among the site's own files: the site's
// root, a directory that holds it, or one inside its content, snapshots,
// templates or state. Pages there would mix with what they are made from.
func checkDest(source, dest string) error {
	src, err1 := filepath.Abs(source)
	dst, err2 := filepath.Abs(dest)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	within := func(dir, p string) bool {
		rel, err := filepath.Rel(dir, p)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	if within(dst, src) {
		return fmt.Errorf("--dest %s: the output would hold the site itself; choose a directory of its own, such as %s", dest, filepath.Join(source, "public"))
	}
	for _, d := range []string{ContentDir, SnapshotDir, "templates", StateDir} {
		if within(filepath.Join(src, d), dst) {
			return fmt.Errorf("--dest %s: the output would be inside the site's %s/; choose a directory of its own, such as %s", dest, d, filepath.Join(source, "public"))
		}
	}
	return nil
}

// Build builds the site at opts.Source into opts.Dest. The output is
// written to a staging directory under the site's [StateDir] and swapped
// in only when the whole build has succeeded and the snapshots it
// recorded are on disk, so a failed build leaves the previous site
// untouched, and the published site never shows an exchange its
// snapshots lack. A build holds the site's lock (.snapdoc/lock) from start
// to end, and first removes the staging that a killed build left.
func Build(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Dest == "" {
		opts.Dest = filepath.Join(opts.Source, "public")
	}
	if err := CheckSource(opts.Source); err != nil {
		return nil, err
	}
	if err := checkDest(opts.Source, opts.Dest); err != nil {
		return nil, err
	}
	lock, err := opts.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if err := reclaimStages(opts.Source, opts.Dest); err != nil {
		return nil, err
	}
	ph := &phases{log: opts.Logger, start: start, last: start}
	m := loadManifest(opts.Source, opts.Dest)
	stamp, settled, err := inputStamp(&opts, start)
	if err != nil {
		return nil, err
	}
	if opts.Run != RunRefresh && m.old.Stamp == stamp && m.old.Built != nil && outputsIntact(opts.Dest, m.old.Files) {
		ph.done("check")
		b := m.old.Built
		res := &Result{Dest: opts.Dest, Lessons: b.Lessons, Pages: b.Pages, Kept: b.Pages, Replayed: b.Replayed, UpToDate: true, Elapsed: time.Since(start)}
		opts.Logger.Info("site up to date", "dest", res.Dest, "lessons", res.Lessons, "pages", res.Pages, "elapsed", res.Elapsed.Round(time.Millisecond))
		return res, nil
	}
	md := newSiteMarkdown(opts.Source)
	in, err := opts.load(md, ph)
	if err != nil {
		return nil, err
	}
	cfg, lessons, theme := in.cfg, in.lessons, in.theme
	if opts.Runner == nil && opts.Run != RunReplay {
		rn, closeRunner, err := newRunner(&cfg, opts.Source, opts.Logger)
		if err != nil {
			return nil, err
		}
		defer closeRunner()
		opts.Runner = rn
	}
	snapshots, byFile, stats, err := runBlocks(ctx, &opts, lessons, start)
	if err != nil {
		return nil, err
	}
	byFile[ConfigFile] = append(byFile[ConfigFile], cfg.Warnings()...)
	for _, w := range in.warnings {
		pos, _ := fileerr.As(w)
		byFile[pos.File] = append(byFile[pos.File], w)
	}
	var cfgSrc []byte // for the line of base_url, unless --base-url set it
	if opts.BaseURL == "" {
		cfgSrc, _ = os.ReadFile(filepath.Join(opts.Source, ConfigFile))
	}
	warnings := allWarnings(byFile)
	// The base URL's warning is the config's alone: unlike the others, it
	// does not keep the next build from finding the site up to date.
	lists := cfg.listsWarning(cfgSrc)
	ph.done("run")
	site := newSite(cfg, lessons)
	out, err := newDirOutput(opts.Source, opts.Dest)
	if err != nil {
		return nil, err
	}
	defer out.discard()
	r := &builder{site: site, theme: theme, md: md, out: out, source: opts.Source}
	if r.fingerprint, err = siteFingerprint(theme, site, false); err != nil {
		return nil, err
	}
	r.reuse = func(name, key string) bool { return m.unchanged(name, key) && out.keep(name) }
	r.progress = startProgress(opts.Progress, start, "Rendering pages", site.pageCount())
	err = r.render(ctx, nil)
	r.progress.finish()
	if err != nil {
		return nil, err
	}
	ph.done("render")
	// The snapshots first, synced: the new pages show what they hold.
	for path, snap := range snapshots {
		if err := runner.WriteSnapshot(path, snap); err != nil {
			return nil, fmt.Errorf("write snapshot: %w", err)
		}
	}
	if err := out.commit(m.old.Files); err != nil {
		return nil, err
	}
	res := &Result{
		Dest: opts.Dest, Lessons: len(lessons), Pages: int(r.pages.Load()), Written: int(out.written.Load()), Kept: int(r.kept.Load()),
		Run: stats.Run, Replayed: stats.Replayed, Failed: stats.Failed,
		Warnings: warnings,
	}
	if lists != nil {
		res.Warnings = append(res.Warnings, lists)
	}
	if m.next.Files, err = out.files(); err != nil {
		return nil, err
	}
	// The next build may skip all its work only if this one saw every
	// input as it stays: nothing changed while it ran, and nothing it
	// wrote (snapshots) or warned about awaits another look.
	if settled && len(snapshots) == 0 && len(warnings) == 0 {
		m.next.Stamp = stamp
		m.next.Built = &builtCounts{Lessons: res.Lessons, Pages: res.Pages, Replayed: res.Replayed}
	}
	if err := m.save(); err != nil {
		return nil, fmt.Errorf("build manifest: %w", err)
	}
	ph.done("write")
	res.Elapsed = time.Since(start)
	opts.Logger.Info("built site", "dest", res.Dest, "lessons", res.Lessons, "pages", res.Pages, "elapsed", res.Elapsed.Round(time.Millisecond))
	return res, nil
}

// config loads the site's config, with the options' base URL.
func (o *Options) config() (SiteConfig, error) {
	cfg, err := LoadConfig(os.DirFS(o.Source))
	if err != nil {
		return cfg, err
	}
	if o.BaseURL != "" {
		if err := cfg.SetBaseURL(o.BaseURL); err != nil {
			return cfg, fmt.Errorf("--base-url: %w", err)
		}
	}
	return cfg, nil
}

// content loads the site's config and lessons, and parses the lessons
// and the requests of their http blocks. It ends the phases "load" and
// "parse" of ph, when given. The warnings are the bad links, when
// [Options.WarnLinks] makes them warnings.
func (o *Options) content(md *Markdown, ph *phases) (cfg SiteConfig, lessons []*Lesson, warnings []error, err error) {
	cfg, err = o.config()
	if err != nil {
		return cfg, nil, nil, err
	}
	files, err := readLessons(os.DirFS(o.Source))
	if err != nil {
		return cfg, nil, nil, err
	}
	ph.done("load")
	prog := startProgress(o.Progress, ph.buildStart(), "Parsing lessons", len(files))
	lessons, err = parseLessons(files, md, loadOptions{drafts: o.Drafts, root: o.Source, parsed: func() { prog.add(1) }})
	prog.finish()
	if err != nil {
		return cfg, nil, nil, err
	}
	if err := parseBlocks(&cfg, lessons); err != nil {
		return cfg, nil, nil, err
	}
	if warnings, err = o.links(&cfg, lessons); err != nil {
		return cfg, nil, nil, err
	}
	ph.done("parse")
	return cfg, lessons, warnings, nil
}

// links runs the link stage on lessons and then checks the outputs of
// the site, the files the lessons use and static/'s among them. The bad
// links are an error, or the warnings returned with [Options.WarnLinks].
func (o *Options) links(cfg *SiteConfig, lessons []*Lesson) (warnings []error, err error) {
	if err := resolveLinks(o.Source, cfg.basePath(), lessons); err != nil {
		if !o.WarnLinks {
			return nil, err
		}
		warnings = fileerrLines(err)
	}
	assets, err := assetOutputs(o.Source, lessons)
	if err != nil {
		return nil, err
	}
	if err := checkOutputs(cfg, lessons, o.Source, assets...); err != nil {
		return nil, err
	}
	return warnings, nil
}

// fileerrLines are the errors err joins, one per bad link.
func fileerrLines(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// loaded is what the load phases return: the site's config, its lessons
// with their blocks parsed, and its theme, checked against each other.
// Every command that reads a site (build, check, check --snippets, the
// preview) starts from it, so none of them accepts a site another
// refuses.
type loaded struct {
	cfg     SiteConfig
	lessons []*Lesson
	theme   *Theme
	// warnings are the bad links, when [Options.WarnLinks] makes them
	// warnings.
	warnings []error
}

// load runs the phases that read the site: config, lessons and blocks
// ([Options.content]), the theme, and the checks that need all three,
// such as that each language a lesson asks for has a template.
func (o *Options) load(md *Markdown, ph *phases) (*loaded, error) {
	cfg, lessons, warnings, err := o.content(md, ph)
	if err != nil {
		return nil, err
	}
	theme, err := o.theme(&cfg)
	if err != nil {
		return nil, err
	}
	if err := checkLanguages(o.Source, &cfg, theme.snippets, lessons); err != nil {
		return nil, err
	}
	return &loaded{cfg: cfg, lessons: lessons, theme: theme, warnings: warnings}, nil
}

// theme loads the default theme overlaid by the site's templates/.
func (o *Options) theme(cfg *SiteConfig) (*Theme, error) {
	var siteTheme fs.FS
	if st, err := os.Stat(filepath.Join(o.Source, "templates")); err == nil && st.IsDir() {
		// The site's templates and static files must be its own.
		siteTheme = safeopen.FS(o.Source, "templates", safeopen.MaxFile)
	}
	base := o.Theme
	if base == nil {
		base = templates.FS
	}
	return LoadTheme(base, siteTheme, cfg.funcs())
}

// funcs are the template functions that depend on the config, which must
// not change afterwards.
func (c *SiteConfig) funcs() template.FuncMap {
	base := c.basePath() // pages call relURL a dozen times each
	return template.FuncMap{
		"relURL":      func(p string) string { return underBase(base, p) },
		"absURL":      c.absURL,
		"tagURL":      func(name string) string { return taxonomyURL("tags", name) },
		"newest":      func(n int, lessons []*Lesson) []*Lesson { return lessons[:min(n, len(lessons))] },
		"categoryURL": func(name string) string { return taxonomyURL("categories", name) },
	}
}

// sink receives the files of a built site.
type sink interface {
	// write stores the file at the slash-separated path name. It is
	// called concurrently, and must not keep data after it returns.
	write(name string, data []byte) error
}

// builder renders every page of a site into an output.
type builder struct {
	site     *Site
	theme    *Theme
	md       *Markdown
	out      sink
	source   string    // the site's root directory
	progress *progress // counts rendered lessons and lists; may be nil
	// reuse, when set, reports whether the page name was last built from
	// key and is still in place, and keeps it if so (see manifest); it
	// lets pages whose inputs did not change be kept without rendering.
	reuse       func(name, key string) bool
	fingerprint string
	kept        atomic.Int64
	dev         bool // pages are for snapdoc serve
	pages       atomic.Int64
}

// plan says which pages an incremental render must redo; nil means all.
type plan struct {
	lessons map[*Lesson]bool
	terms   map[string]bool // by site path
	lists   bool            // the home page, feed, sitemap and search index
}

// search reports whether p redoes the search index, which holds every
// lesson's body: any change to a lesson changes it.
func (p *plan) search() bool { return p == nil || p.lists || len(p.lessons) > 0 }

// render renders the pages p names, or all of them when p is nil.
func (r *builder) render(ctx context.Context, p *plan) error {
	s := r.site
	var jobs []func() error
	if p == nil || p.lists {
		jobs = append(jobs, r.unlessUnchanged("index.html", func() error {
			return r.page("index.html", "index.html", &Page{Kind: "index", Title: s.Config.Title, Description: s.Config.Description})
		}))
		if s.Config.IsAbsolute() { // the feed and the sitemap name absolute URLs
			jobs = append(jobs, r.unlessUnchanged("feed.xml", r.feed), r.unlessUnchanged("sitemap.xml", r.sitemap))
		}
	}
	if p.search() {
		jobs = append(jobs, r.searchIndex)
	}
	if p == nil {
		jobs = append(jobs, r.unlessUnchanged("404.html", func() error {
			return r.page("404.html", "404.html", &Page{Kind: "404", Title: "Page not found", URL: "404.html"})
		}), r.static, r.unlessUnchanged("robots.txt", r.robots))
	}
	for _, l := range s.Lessons {
		if p == nil || p.lessons[l] {
			jobs = append(jobs, func() error { return r.lesson(l) })
			for _, a := range l.Aliases {
				jobs = append(jobs, func() error { return r.alias(l, a) })
			}
		}
		if p != nil && p.lessons[l] && len(l.assets) > 0 { // a full render publishes them in static
			jobs = append(jobs, func() error { return copyAssets(r.source, l.assets, r.out) })
		}
	}
	for _, t := range append(append([]*Term{}, s.Tags...), s.Categories...) {
		if p != nil && !p.terms[t.URL] {
			continue
		}
		kind := "tag"
		if t.Kind == "categories" {
			kind = "category"
		}
		for _, pg := range t.pages(s.Config.Paginate) {
			jobs = append(jobs, r.unlessUnchanged(sitepath.File(pg.URL), func() error {
				title := t.Name
				if pg.Number > 1 {
					title += " (page " + itoa(pg.Number) + ")"
				}
				return r.page("list.html", sitepath.File(pg.URL), &Page{Kind: kind, Title: title, URL: pg.URL, Term: t, Pager: pg})
			}))
		}
	}
	errs := make([]error, len(jobs))
	parallel(len(jobs), func(i int) {
		if ctx.Err() != nil {
			errs[i] = ctx.Err()
			return
		}
		errs[i] = jobs[i]()
	})
	for _, err := range errs {
		if err != nil {
			return err // the first, in a stable order
		}
	}
	return nil
}

// unlessUnchanged returns job, made to skip its work when the file name
// it writes depends on nothing but site-wide inputs (see siteFingerprint),
// those are unchanged since the last build, and the file is still there.
func (r *builder) unlessUnchanged(name string, job func() error) func() error {
	return func() error {
		if r.reuse != nil && r.reuse(name, r.fingerprint) {
			if strings.HasSuffix(name, ".html") {
				r.countPage()
				r.kept.Add(1)
			}
			return nil
		}
		return job()
	}
}

// countPage counts an HTML page of the site, rendered or kept, for the
// build's result and its progress report.
func (r *builder) countPage() {
	r.pages.Add(1)
	if r.progress != nil {
		r.progress.add(1)
	}
}

// lesson renders a lesson's page.
func (r *builder) lesson(l *Lesson) error {
	// What the page shows of each block is made for this page only, and
	// the body kept from loading serves it once; a large site cannot keep
	// them for every lesson.
	defer func() {
		l.body = nil
		for _, b := range l.Blocks {
			if b.Example != nil {
				b.Example.Code, b.Example.Outputs = nil, nil
			}
		}
	}()
	name := sitepath.File(l.URL())
	if r.reuse != nil {
		if r.reuse(name, lessonKey(r.fingerprint, l)) {
			r.countPage()
			r.kept.Add(1)
			return nil
		}
	}
	body := renderBuffers.get()
	defer renderBuffers.put(body)
	var blockErr error // names its place in the lesson already
	err := r.md.render(body, l, func(w io.Writer, b *Block) error {
		blockErr = r.writeExample(w, l, b)
		return blockErr
	})
	if blockErr != nil {
		return blockErr
	}
	if err != nil {
		return fmt.Errorf("%s: render markdown: %w", l.File, err)
	}
	p := &Page{
		Kind: "lesson", Title: l.Title, Description: l.Description, URL: l.URL(),
		Lesson: l, Body: template.HTML(body.String()), Related: r.site.related(l, 3),
	}
	p.Prev, p.Next = r.site.neighbours(l)
	p.Crumbs = r.site.sections.crumbs(l)
	if l.IsSection() {
		p.Lessons, p.Sections = r.site.sections.lessons[l.dir()], r.site.sections.subs[l.dir()]
	}
	if err := r.page("lesson.html", name, p); err != nil {
		return fmt.Errorf("%s: %w", l.File, err)
	}
	return nil
}

// page executes a page template and writes the result to name.
func (r *builder) page(tmpl, name string, p *Page) error {
	p.Site = r.site
	p.Dev = r.dev
	buf := renderBuffers.get()
	defer renderBuffers.put(buf)
	if err := r.theme.Execute(buf, tmpl, p); err != nil {
		return err
	}
	r.countPage()
	return r.out.write(name, buf.Bytes())
}

// renderBuffers recycles the buffers that pages and their parts are
// rendered into. Unlike a sync.Pool, which a garbage collection empties
// and a large build collects often, it keeps its buffers, so a buffer
// grows to a page's size once rather than once per page.
var renderBuffers = make(buffers, 4*runtime.GOMAXPROCS(0))

// buffers is a free list of buffers.
type buffers chan *bytes.Buffer

// get returns an empty buffer.
func (b buffers) get() *bytes.Buffer {
	select {
	case buf := <-b:
		buf.Reset()
		return buf
	default:
		return bytes.NewBuffer(make([]byte, 0, 64<<10))
	}
}

// put returns buf to the list, unless the list is full or buf grew
// larger than pages are.
func (b buffers) put(buf *bytes.Buffer) {
	if buf.Cap() > 4<<20 {
		return
	}
	select {
	case b <- buf:
	default:
	}
}

func (r *builder) static() error {
	files, err := siteAssets(r.source, r.site.Lessons)
	if err != nil {
		return err
	}
	if err := copyAssets(r.source, files, r.out); err != nil {
		return err
	}
	var css bytes.Buffer
	if err := WriteHighlightCSS(&css); err != nil {
		return err
	}
	if err := r.out.write("static/chroma.css", css.Bytes()); err != nil {
		return err
	}
	return r.theme.Static(r.out.write)
}

// robots writes robots.txt. Its Sitemap line must be an absolute URL,
// so it is left out when base_url is only a path.
func (r *builder) robots() error {
	body := "User-agent: *\nAllow: /\n"
	if sitemap := r.site.Config.absURL("sitemap.xml"); strings.Contains(sitemap, "://") {
		body += "Sitemap: " + sitemap + "\n"
	}
	return r.out.write("robots.txt", []byte(body))
}

func (r *builder) sitemap() error {
	type url struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	set := struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []url    `xml:"url"`
	}{}
	c := &r.site.Config
	set.URLs = append(set.URLs, url{Loc: c.absURL("")})
	for _, l := range r.site.Lessons {
		set.URLs = append(set.URLs, url{Loc: c.absURL(l.URL()), LastMod: l.Updated.String()})
	}
	for _, t := range append(append([]*Term{}, r.site.Categories...), r.site.Tags...) {
		set.URLs = append(set.URLs, url{Loc: c.absURL(t.URL)})
	}
	return r.writeXML("sitemap.xml", set)
}

func (r *builder) feed() error {
	type link struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr,omitempty"`
	}
	type entry struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Link    link   `xml:"link"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary,omitempty"`
	}
	c := &r.site.Config
	f := struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string   `xml:"title"`
		ID      string   `xml:"id"`
		Links   []link   `xml:"link"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []entry `xml:"entry"`
	}{Title: c.Title, ID: c.absURL(""), Links: []link{{Href: c.absURL("feed.xml"), Rel: "self"}, {Href: c.absURL("")}}}
	f.Author.Name = c.Title
	f.Updated = atomDate(Date{})
	for i, l := range r.site.Lessons {
		if i == 0 {
			f.Updated = atomDate(l.Updated)
		}
		if i == 50 {
			break
		}
		f.Entries = append(f.Entries, entry{Title: l.Title, ID: c.absURL(l.URL()), Link: link{Href: c.absURL(l.URL())}, Updated: atomDate(l.Updated), Summary: l.Description})
	}
	return r.writeXML("feed.xml", f)
}

// atomDate formats a date as RFC 3339; a lesson without a date gets the
// Unix epoch, so builds stay reproducible.
func atomDate(d Date) string {
	return d.UTC().Format(time.RFC3339)
}

func (r *builder) writeXML(name string, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	buf.WriteByte('\n')
	return r.out.write(name, buf.Bytes())
}

// parallel calls fn(0) to fn(n-1) on as many goroutines as there are
// processors.
func parallel(n int, fn func(i int)) {
	parallelN(runtime.GOMAXPROCS(0), n, fn)
}

// parallelFS is parallel for work that mostly waits on the file system,
// such as reading files or their metadata: it runs more workers than
// there are processors.
func parallelFS(n int, fn func(i int)) {
	parallelN(4*runtime.GOMAXPROCS(0), n, fn)
}

// parallelN is parallel with the given number of workers.
func parallelN(workers, n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

func itoa(i int) string { return strconv.Itoa(i) }

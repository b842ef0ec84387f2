package indexer

import (
	"context"
	"errors"
	"mime"
	"path"
	"strings"

	"github.com/fundus-kb/fundus/indexer/crawl"
)

// IsURL reports whether an ingest argument is a web address rather than a
// path.
func IsURL(arg string) bool {
	return strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://")
}

// IngestURL fetches a page, or a sitemap and every page it lists, and
// writes each page through the HTML (or PDF) parser. A page's URL is its
// document id and source. Pages fetched before are asked for with their
// ETag and Last-Modified, so an unchanged page costs one 304.
//
// Pages are read as the files of Ingest are (the same entries, claims,
// reports and counts), and each page is committed when it is read.
func (kb *KB) IngestURL(ctx context.Context, c *crawl.Crawler, u string, opts IngestOptions) (Summary, error) {
	run := kb.newRun(opts)
	ap := kb.startApplier()
	defer ap.finish()
	known := func(url string) (string, string) {
		st, err := kb.store.Get(url)
		if err != nil {
			return "", ""
		}
		return st.ETag, st.LastModified
	}
	done := 0
	err := c.Crawl(ctx, u, known, func(p crawl.Page) error {
		done++
		if opts.OnProgress != nil {
			defer opts.OnProgress(done, 0)
		}
		switch {
		case errors.Is(p.Err, crawl.ErrRobots):
			// The site asked not to be fetched there: a choice, not a
			// failure.
			kb.log.Info("skipped by robots.txt", "url", p.URL)
			return nil
		case p.Err != nil:
			run.fail(p.Err)
			return nil
		case p.NotModified:
			run.sum.Unchanged++
			return nil
		}
		in := pageInput(p)
		recs, errs := kb.parseInput(ctx, in.parsedAs, p.Body)
		if err := run.add(ctx, in.origin, in.entries(recs, errs), ap); err != nil {
			return err
		}
		return run.flush(ctx, ap)
	})
	if errors.Is(err, crawl.ErrMaxPages) {
		run.fail(err)
		err = nil
	}
	if ferr := ap.finish(); err == nil {
		err = ferr
	}
	return run.sum, err
}

// pageInput describes a fetched page: its URL is its label, id, source
// and origin, its URL's folders type it, and its Last-Modified dates it.
func pageInput(p crawl.Page) *input {
	return &input{
		label: p.URL, parsedAs: pageName(p),
		fileID: p.URL, typePath: urlPath(p.URL), id: p.URL,
		source: p.URL, origin: p.URL,
		etag: p.ETag, lastModified: p.LastModified,
	}
}

// pageName is a file name whose extension picks the parser for a page.
func pageName(p crawl.Page) string {
	mt, _, _ := mime.ParseMediaType(p.ContentType)
	if mt == "application/pdf" {
		return "page.pdf"
	}
	return "page.html"
}

// urlPath is the path of a URL without scheme and host, for guessing a
// type from its folders.
func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexByte(u, '/'); i >= 0 {
		return path.Clean(u[i:])
	}
	return "/"
}

package indexer

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"

	"github.com/fundus-kb/fundus/indexer/crawl"
	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/search"
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
func (kb *KB) IngestURL(ctx context.Context, c *crawl.Crawler, u string, opts IngestOptions) (Summary, error) {
	var sum Summary
	report := func(err error) {
		sum.Failed++
		if opts.OnError != nil {
			opts.OnError(err)
		}
	}
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
			report(p.Err)
			return nil
		case p.NotModified:
			sum.Unchanged++
			return nil
		}
		recs, errs := kb.parseInput(ctx, pageName(p), p.Body)
		for _, err := range errs {
			report(fmt.Errorf("%s: %w", p.URL, unwrapParseError(err)))
		}
		var items []Item
		for _, rec := range recs {
			rec.Doc.ID, rec.Doc.Source = p.URL, p.URL
			if rec.Doc.Type == "" {
				rec.Doc.Type = typeFromPath(urlPath(p.URL))
			}
			if rec.Doc.Date == "" && p.LastModified != "" {
				if d, err := search.NormalizeDate(p.LastModified); err == nil {
					rec.Doc.Date = d
				}
			}
			item, err := Prepare(rec, p.URL, p.URL)
			if err != nil {
				report(fmt.Errorf("%s: %w", p.URL, err))
				continue
			}
			item.Origin, item.ETag, item.LastModified = p.URL, p.ETag, p.LastModified
			items = append(items, item)
		}
		if len(items) == 0 {
			return nil
		}
		res, err := kb.Put(ctx, items)
		sum.count(res, func(i int) string { return res[i].ID }, report)
		return err
	})
	if errors.Is(err, crawl.ErrMaxPages) {
		report(err)
		err = nil
	}
	return sum, err
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

func unwrapParseError(err error) error {
	var pe *parse.Error
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

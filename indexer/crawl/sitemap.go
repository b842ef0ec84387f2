package crawl

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Kinds of sitemap documents.
const (
	sitemapURLSet = "urlset"
	sitemapIndex  = "sitemapindex"
)

// maxSitemapBytes is the sitemaps protocol's limit on an uncompressed
// sitemap.
const maxSitemapBytes = 50 << 20

// parseSitemap reads a sitemap (<urlset>) or sitemap index
// (<sitemapindex>) and returns its kind and the <loc> of each entry. It
// returns kind "" for an XML document of another kind, or for data that
// is not XML. A sitemap that breaks off is an error, together with the
// locations read before the break.
func parseSitemap(data []byte) (kind string, locs []string, err error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return "", nil, fmt.Errorf("gzip: %w", err)
		}
		data, err = io.ReadAll(io.LimitReader(zr, maxSitemapBytes+1))
		if err != nil {
			return "", nil, fmt.Errorf("gzip: %w", err)
		}
		if len(data) > maxSitemapBytes {
			return "", nil, fmt.Errorf("sitemap larger than %s uncompressed", formatBytes(maxSitemapBytes))
		}
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		// Sitemaps are UTF-8 by the protocol; read other declarations
		// as if they were, which is right for their ASCII URLs.
		return r, nil
	}
	depth := 0
	var inLoc bool
	var loc strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if kind == "" {
				return "", nil, nil
			}
			return kind, locs, nil
		}
		if err != nil {
			if kind == "" {
				return "", nil, nil // not XML
			}
			return kind, locs, fmt.Errorf("malformed sitemap: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				switch t.Name.Local {
				case sitemapURLSet, sitemapIndex:
					kind = t.Name.Local
				default:
					return "", nil, nil
				}
				continue
			}
			// <urlset><url><loc> or <sitemapindex><sitemap><loc>.
			if depth == 3 && t.Name.Local == "loc" {
				inLoc = true
				loc.Reset()
			}
		case xml.EndElement:
			if inLoc && depth == 3 {
				inLoc = false
				if s := strings.TrimSpace(loc.String()); s != "" {
					locs = append(locs, s)
				}
			}
			depth--
		case xml.CharData:
			if inLoc {
				loc.Write(t)
			}
		}
	}
}

// formatBytes writes a byte count the way limits are stated: "10 MiB",
// "64 KiB", "1000 bytes".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

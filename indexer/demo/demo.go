// Package demo embeds Fundus's demo knowledge base: webinar notes, case
// write-ups and policy recommendations of a learning network on open
// innovation, written for this project. `fundus serve --demo` loads it into
// an empty data directory.
package demo

import (
	"embed"
	"io/fs"
)

//go:embed corpus
var files embed.FS

// FS returns the demo corpus: Markdown files with YAML front matter in
// folders by type.
func FS() fs.FS {
	sub, err := fs.Sub(files, "corpus")
	if err != nil {
		panic("demo: corpus folder missing from the binary: " + err.Error())
	}
	return sub
}

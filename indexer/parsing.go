package indexer

import (
	"context"
	"runtime"

	"github.com/fundus-kb/fundus/indexer/parse"
)

// newParseSlots makes the semaphore of parseInput: one slot per core.
func newParseSlots() chan struct{} {
	return make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
}

// parseInput parses data as the file name with parse.File, which bounds
// the parse in time. Every ingest path (folders, watched folders, uploads
// through the API, fetched pages) parses through it, so that at most one
// file per core is parsed at once however many arrive together: a PDF may
// take up to its inflate budget in memory and a parse up to parse.Timeout.
// Waiting for a slot ends with ctx, as a failure of the file.
func (kb *KB) parseInput(ctx context.Context, name string, data []byte) ([]parse.Record, []error) {
	select {
	case kb.parseSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, []error{&parse.Error{Path: name, Err: context.Cause(ctx)}}
	}
	defer func() { <-kb.parseSlots }()
	return parse.File(ctx, name, data)
}

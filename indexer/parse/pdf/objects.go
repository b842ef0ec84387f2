package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/fundus-kb/fundus/indexer/parse/record"
)

// The document: pdfcpu's model, objects, pages, streams.

// reader is one PDF being read.
type reader struct {
	ctx       *model.Context
	stopCtx   context.Context // reading stops when it ends
	ops       int
	decoded   int64
	inflate   int64 // bytes all streams may inflate to; see InflateBudget
	streams   map[int][]byte
	fonts     map[fontKey]*font
	truncated bool  // a limit was reached
	stop      error // set when reading must stop (deadline, inflate budget)
}

type fontKey struct {
	obj  int
	dict uintptr // the font resource dictionary of a direct font
	name string
}

func open(stop context.Context, data []byte) (*reader, error) {
	budget := InflateBudget(len(data))
	ctx, err := read(stop, data, budget)
	switch {
	case err == nil && ctx != nil:
	case errors.Is(err, pdfcpu.ErrWrongPassword):
		return nil, errEncrypted
	case stop.Err() != nil:
		return nil, record.Stopped(stop)
	case errors.Is(err, filter.ErrDecodeLimitExceeded):
		return nil, &InflateError{Budget: budget}
	case encryptRe.Match(data):
		// pdfcpu could not read an encrypted file: an unsupported
		// security handler or a broken encryption dictionary.
		return nil, fmt.Errorf("%w (%v)", errEncrypted, err)
	case err == nil:
		return nil, errCorrupt
	default:
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	return &reader{
		ctx:     ctx,
		stopCtx: stop,
		inflate: budget,
		streams: map[int][]byte{},
		fonts:   map[fontKey]*font{},
	}, nil
}

// encryptRe finds the encryption entry of a trailer dictionary.
var encryptRe = regexp.MustCompile(`/Encrypt\s*(?:\d+\s+\d+\s+R|<<)`)

// disableConfigDir keeps pdfcpu from creating a configuration directory in
// the user's home, which model.NewDefaultConfiguration otherwise does on
// first use. pdfcpu takes that choice only from its package variable
// model.ConfigPath (it is what pdfcpu's api.DisableConfigDir sets), and its
// built-in defaults are not exported, so there is no configuration to pass
// instead. read, the one caller of NewDefaultConfiguration, sets the
// variable here, once, just before it first needs the defaults: no init
// changes pdfcpu for every program that links this package.
var disableConfigDir = sync.OnceFunc(func() { model.ConfigPath = "disable" })

// read reads the file structure. pdfcpu decodes object and
// cross-reference streams as it reads; each may inflate to the budget.
func read(stop context.Context, data []byte, budget int64) (ctx *model.Context, err error) {
	defer recoverLib(&err)
	disableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Limits.MaxDecodeBytes = min(maxStream, budget)
	conf.Limits.MaxObjectCount = maxObjects
	conf.Limits.MaxXRefEntries = maxObjects
	return pdfcpu.ReadWithContext(stop, bytes.NewReader(data), conf)
}

// recoverLib turns a panic in pdfcpu into an error. Every call into
// pdfcpu goes through a function that defers it, so that a panic anywhere
// else is a bug of this package (see errInternal).
func recoverLib(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", errCorrupt, r)
	}
}

// budget counts one content token and reports whether reading must stop.
func (d *reader) budget() bool {
	d.ops++
	if d.ops > maxOps {
		d.truncated = true
		return true
	}
	if d.ops&1023 == 0 && d.stopCtx.Err() != nil {
		d.truncated = true
		d.stop = record.Stopped(d.stopCtx)
	}
	return d.stop != nil
}

// resolve follows indirect references. A missing object is nil.
func (d *reader) resolve(o types.Object) (out types.Object) {
	var err error
	defer recoverLib(&err)
	for range 16 {
		ref, ok := o.(types.IndirectRef)
		if !ok {
			return o
		}
		o, err = d.ctx.Dereference(ref)
		if err != nil {
			return nil
		}
	}
	return nil
}

func (d *reader) dict(o types.Object) types.Dict {
	switch v := d.resolve(o).(type) {
	case types.Dict:
		return v
	case types.StreamDict:
		return v.Dict
	}
	return nil
}

func (d *reader) array(o types.Object) types.Array {
	a, _ := d.resolve(o).(types.Array)
	return a
}

func (d *reader) name(o types.Object) string {
	n, _ := d.resolve(o).(types.Name)
	return string(n)
}

func (d *reader) num(o types.Object) (float64, bool) {
	switch v := d.resolve(o).(type) {
	case types.Integer:
		return float64(v), true
	case types.Float:
		f := float64(v)
		return f, !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// text decodes a text string: UTF-16BE or UTF-8 with a byte order mark,
// else PDFDocEncoding.
func (d *reader) text(o types.Object) string {
	o = d.resolve(o)
	if o == nil {
		return ""
	}
	s, err := textLib(o)
	if err != nil {
		return ""
	}
	return cleanMeta(s)
}

func textLib(o types.Object) (s string, err error) {
	defer recoverLib(&err)
	return model.Text(o)
}

// matrix reads six numbers.
func (d *reader) matrix(o types.Object) (matrix, bool) {
	a := d.array(o)
	if len(a) != 6 {
		return identity, false
	}
	var m matrix
	for i, v := range a {
		f, ok := d.num(v)
		if !ok {
			return identity, false
		}
		m[i] = f
	}
	return m, true
}

// streamData returns the decoded data of a stream, or nil.
func (d *reader) streamData(o types.Object) []byte {
	nr := -1
	if ref, ok := o.(types.IndirectRef); ok {
		nr = ref.ObjectNumber.Value()
		if b, ok := d.streams[nr]; ok {
			return b
		}
	}
	sd, ok := d.resolve(o).(types.StreamDict)
	if !ok {
		return nil
	}
	if d.stop != nil {
		return nil
	}
	left := d.inflate - d.decoded
	b, over := decode(&sd, min(maxStream, left), left > maxStream)
	switch {
	case over && left <= maxStream:
		// Past the document's budget: a compression bomb. Reading stops.
		d.truncated = true
		d.stop = &InflateError{Budget: d.inflate}
		return nil
	case over:
		// Past the limit of one stream: keep its start.
		d.truncated = true
	}
	d.decoded += int64(len(b))
	if nr >= 0 {
		d.streams[nr] = b
	}
	return b
}

// decode decodes a stream to at most limit bytes; over reports a stream
// that inflates past limit, with, if keep, the first limit bytes of a Flate
// stream. A truncated or corrupt Flate stream, common in damaged files,
// yields what could be inflated.
func decode(sd *types.StreamDict, limit int64, keep bool) (out []byte, over bool) {
	flateOnly := len(sd.FilterPipeline) == 1 && sd.FilterPipeline[0].Name == "FlateDecode" && sd.FilterPipeline[0].DecodeParms == nil
	if flateOnly && !keep && int64(len(sd.Raw))*maxFlateRatio > limit && inflatesPast(sd.Raw, limit) {
		// Found without holding the output: pdfcpu would buffer up to
		// twice the limit before it gives up.
		return nil, true
	}
	b, err := decodeLib(sd, limit)
	if err == nil {
		return b, false
	}
	over = errors.Is(err, filter.ErrDecodeLimitExceeded)
	if over && !keep {
		return nil, true
	}
	if len(sd.FilterPipeline) != 1 || sd.FilterPipeline[0].Name != "FlateDecode" || sd.FilterPipeline[0].DecodeParms != nil {
		return nil, over
	}
	zr, zerr := zlib.NewReader(bytes.NewReader(sd.Raw))
	if zerr != nil {
		return nil, over
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(limit, 1<<20)))
	n, _ := io.Copy(buf, io.LimitReader(zr, limit+1))
	if n > limit {
		return buf.Bytes()[:limit], true
	}
	return buf.Bytes(), over
}

// maxFlateRatio is the most a Flate stream can inflate, per byte.
const maxFlateRatio = 1032

// inflatesPast reports whether the zlib stream raw inflates to more than
// limit bytes, counting them without keeping them.
func inflatesPast(raw []byte, limit int64) bool {
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return false
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, limit+1))
	return n > limit
}

func decodeLib(sd *types.StreamDict, limit int64) (b []byte, err error) {
	defer recoverLib(&err)
	return sd.DecodeLengthWithLimit(-1, limit)
}

// pageDict is a page dictionary and its (inherited) resources.
type pageDict struct {
	dict, res types.Dict
}

// pages walks the page tree in order, skipping loops.
func (d *reader) pages() []pageDict {
	root, err := d.catalog()
	if err != nil || root == nil {
		return nil
	}
	type frame struct {
		o     types.Object
		res   types.Dict
		depth int
	}
	var out []pageDict
	seen := map[int]bool{}
	stack := []frame{{o: root["Pages"]}}
	for n := 0; len(stack) > 0 && len(out) < maxPages; n++ {
		if n&1023 == 0 && d.stopCtx.Err() != nil {
			// document reports the stop before it reads a page.
			d.stop = record.Stopped(d.stopCtx)
			return out
		}
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if ref, ok := f.o.(types.IndirectRef); ok {
			if seen[ref.ObjectNumber.Value()] {
				continue
			}
			seen[ref.ObjectNumber.Value()] = true
		}
		node := d.dict(f.o)
		if node == nil {
			continue
		}
		res := f.res
		if r := d.dict(node["Resources"]); r != nil {
			res = r
		}
		kids := d.array(node["Kids"])
		if d.name(node["Type"]) == "Page" || kids == nil {
			if node["Contents"] != nil || d.name(node["Type"]) == "Page" {
				out = append(out, pageDict{dict: node, res: res})
			}
			continue
		}
		if f.depth >= maxPageTreeDepth {
			continue
		}
		for i := min(len(kids), maxPages) - 1; i >= 0; i-- {
			stack = append(stack, frame{o: kids[i], res: res, depth: f.depth + 1})
		}
	}
	return out
}

func (d *reader) catalog() (root types.Dict, err error) {
	defer recoverLib(&err)
	return d.ctx.Catalog()
}

// pageContent concatenates a page's content streams.
func (d *reader) pageContent(page types.Dict) []byte {
	c := page["Contents"]
	if a := d.array(c); a != nil {
		var out []byte
		for _, s := range a {
			out = append(out, d.streamData(s)...)
			out = append(out, '\n')
		}
		return out
	}
	return d.streamData(c)
}

package pdf

import (
	"bytes"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	corefont "github.com/pdfcpu/pdfcpu/pkg/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/encoding/charmap"
)

// Fonts.

// charCode is a character code of n bytes.
type charCode struct {
	v uint32
	n uint8
}

// font decodes the strings shown with one font.
type font struct {
	simple bool
	// Simple fonts: the text and width (in text space units per unit of
	// font size) of each code.
	text  [256]string
	width [256]float64
	// Composite fonts.
	cmap    *cmap // character codes to CIDs; nil: two-byte identity
	utf16   bool  // the codes are UTF-16 (Uni…-UCS2 and -UTF16 CMaps)
	toUni   *cmap
	dw      float64
	cidW    map[uint32]float64
	cidWR   []cidWidth
	gidUni  map[uint16]rune // from an embedded TrueType font's cmap
	cidGID  []uint16        // CIDToGIDMap; nil: identity
	cache   map[charCode]glyphInfo
	symbols bool
}

type cidWidth struct {
	lo, hi uint32
	w      float64
}

type glyphInfo struct {
	w    float64
	text string
}

// defaultFont stands in for a missing or broken font: Helvetica.
var defaultFont = sync.OnceValue(func() *font {
	f := &font{simple: true}
	f.setSimple(winAnsi, nil, 0, 0, "Helvetica", 0.001)
	return f
})

// codes splits a string into character codes.
func (f *font) codes(s string, out []charCode) []charCode {
	if f.simple {
		for i := 0; i < len(s); i++ {
			out = append(out, charCode{v: uint32(s[i]), n: 1})
		}
		return out
	}
	for i := 0; i < len(s); {
		n := f.codeLen(s[i:])
		var v uint32
		for j := range n {
			v = v<<8 | uint32(s[i+j])
		}
		out = append(out, charCode{v: v, n: uint8(n)})
		i += n
	}
	return out
}

func (f *font) codeLen(s string) int {
	if f.utf16 {
		if len(s) >= 4 && s[0] >= 0xD8 && s[0] <= 0xDB {
			return 4
		}
		return min(2, len(s))
	}
	if f.cmap == nil || len(f.cmap.space) == 0 {
		return min(2, len(s))
	}
	for n := 1; n <= 4 && n <= len(s); n++ {
		for _, r := range f.cmap.space {
			if r.n == n && r.match(s[:n]) {
				return n
			}
		}
	}
	return min(f.cmap.minLen, len(s))
}

// glyph returns a code's width and text.
func (f *font) glyph(c charCode) (float64, string) {
	if f.simple {
		b := byte(c.v)
		if f.toUni != nil {
			if s, ok := f.toUni.lookup(c); ok {
				return f.width[b], cleanGlyph(s)
			}
		}
		return f.width[b], f.text[b]
	}
	if g, ok := f.cache[c]; ok {
		return g.w, g.text
	}
	var g glyphInfo
	cid := f.cid(c)
	g.w = f.dw
	if w, ok := f.cidW[cid]; ok {
		g.w = w
	} else {
		for _, r := range f.cidWR {
			if cid >= r.lo && cid <= r.hi {
				g.w = r.w
				break
			}
		}
	}
	switch {
	case f.toUni != nil && f.toUni.has(c):
		s, _ := f.toUni.lookup(c)
		g.text = s
	case f.utf16:
		var u []uint16
		if c.n == 4 {
			u = []uint16{uint16(c.v >> 16), uint16(c.v)}
		} else {
			u = []uint16{uint16(c.v)}
		}
		g.text = string(utf16.Decode(u))
	case f.gidUni != nil:
		gid := uint16(cid)
		if f.cidGID != nil {
			gid = 0
			if int(cid) < len(f.cidGID) {
				gid = f.cidGID[cid]
			}
		}
		if r, ok := f.gidUni[gid]; ok {
			g.text = string(r)
		}
	}
	g.text = cleanGlyph(g.text)
	if f.cache == nil {
		f.cache = map[charCode]glyphInfo{}
	}
	if len(f.cache) < 1<<16 {
		f.cache[c] = g
	}
	return g.w, g.text
}

func (f *font) cid(c charCode) uint32 {
	if f.cmap != nil {
		if cid, ok := f.cmap.cid(c); ok {
			return cid
		}
	}
	return c.v
}

// font returns the font a Tf operator names, loading it once.
func (d *reader) font(res types.Dict, name string) *font {
	fonts := d.dict(res["Font"])
	o := fonts[name]
	if o == nil {
		return nil
	}
	key := fontKey{obj: -1, name: name}
	if ref, ok := o.(types.IndirectRef); ok {
		key = fontKey{obj: ref.ObjectNumber.Value()}
	} else {
		key.dict = reflect.ValueOf(fonts).Pointer()
	}
	if f, ok := d.fonts[key]; ok {
		return f
	}
	d.ops += 1000 // loading a font costs as much as many operators
	f := d.loadFont(d.dict(o))
	d.fonts[key] = f
	return f
}

func (d *reader) loadFont(fd types.Dict) *font {
	if fd == nil {
		return defaultFont()
	}
	f := &font{}
	if d.name(fd["Subtype"]) == "Type0" {
		d.loadComposite(f, fd)
	} else {
		f.simple = true
		d.loadSimple(f, fd)
	}
	if b := d.streamData(fd["ToUnicode"]); len(b) > 0 {
		f.toUni = d.parseCMap(b)
	} else if !f.simple && strings.HasPrefix(d.name(fd["ToUnicode"]), "Identity") {
		f.utf16 = true
	}
	if !f.simple && f.toUni == nil && !f.utf16 {
		d.loadTrueTypeCmap(f, fd)
	}
	return f
}

func (d *reader) loadSimple(f *font, fd types.Dict) {
	subtype := d.name(fd["Subtype"])
	base := stripSubset(d.name(fd["BaseFont"]))
	desc := d.dict(fd["FontDescriptor"])
	flags, _ := d.num(desc["Flags"])
	symbolic := int(flags)&4 != 0

	scale := 0.001
	if subtype == "Type3" {
		if m, ok := d.matrix(fd["FontMatrix"]); ok && m[0] != 0 && math.Abs(m[0]) < 1 {
			scale = math.Abs(m[0])
		}
	}

	// The encoding: a base encoding, then the differences.
	var enc *[256]string
	var diffs types.Array
	baseName := ""
	switch e := d.resolve(fd["Encoding"]).(type) {
	case types.Name:
		baseName = string(e)
	case types.Dict:
		baseName = d.name(e["BaseEncoding"])
		diffs = d.array(e["Differences"])
	}
	switch baseName {
	case "WinAnsiEncoding":
		enc = winAnsi
	case "MacRomanEncoding":
		enc = macRoman
	case "StandardEncoding", "MacExpertEncoding":
		enc = standard
	default:
		if b := d.type1Encoding(desc); b != nil {
			enc = b
		} else if subtype == "TrueType" || symbolic {
			enc = winAnsi
		} else {
			enc = standard
		}
	}
	text := *enc
	code := 0
	for _, o := range diffs {
		switch v := d.resolve(o).(type) {
		case types.Integer:
			code = int(v)
		case types.Float:
			code = int(v)
		case types.Name:
			if code >= 0 && code < 256 {
				if s := glyphName(string(v)); s != "" {
					text[code] = s
				}
			}
			code++
		}
	}

	// Widths, from the font dictionary or for the standard 14 fonts from
	// their metrics.
	var widths []float64
	for _, o := range d.array(fd["Widths"]) {
		if len(widths) >= 256 {
			break
		}
		w, _ := d.num(o)
		widths = append(widths, w)
	}
	first, _ := d.num(fd["FirstChar"])
	missing, _ := d.num(desc["MissingWidth"])
	core := ""
	if len(widths) == 0 {
		core = coreFont(base)
	}
	f.symbols = symbolic
	f.setSimple(&text, widths, int(first), missing, core, scale)
}

// setSimple fills the text and width of each code.
func (f *font) setSimple(text *[256]string, widths []float64, first int, missing float64, core string, scale float64) {
	for c := range 256 {
		f.text[c] = cleanGlyph(text[c])
		w := missing
		switch i := c - first; {
		case i >= 0 && i < len(widths):
			w = widths[i]
		case core != "":
			w = coreWidth(core, f.text[c], c)
		case w == 0:
			w = 500
		}
		if math.IsNaN(w) || math.Abs(w) > 1e5 {
			w = 500
		}
		f.width[c] = w * scale
	}
}

// coreFont maps a font name to one of the standard 14 fonts whose
// metrics pdfcpu has, for fonts without widths.
func coreFont(name string) string {
	if corefont.IsCoreFont(name) {
		return name
	}
	n := strings.ToLower(name)
	style := 0
	if strings.Contains(n, "bold") {
		style |= 1
	}
	if strings.Contains(n, "italic") || strings.Contains(n, "oblique") {
		style |= 2
	}
	switch {
	case strings.Contains(n, "courier"):
		return [...]string{"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique"}[style]
	case strings.Contains(n, "times"):
		return [...]string{"Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"}[style]
	case strings.Contains(n, "symbol"):
		return "Symbol"
	case strings.Contains(n, "dingbats"):
		return "ZapfDingbats"
	}
	return [...]string{"Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"}[style]
}

func coreWidth(core, text string, code int) float64 {
	c := code
	if r, size := utf8.DecodeRuneInString(text); size > 0 && size == len(text) {
		if b, ok := charmap.Windows1252.EncodeRune(r); ok {
			c = int(b)
		}
	}
	w, err := charWidth(core, c)
	if err != nil {
		return 500
	}
	return float64(w)
}

func charWidth(core string, c int) (w int, err error) {
	defer recoverLib(&err)
	return corefont.CharWidth(core, rune(c))
}

var type1DupRe = regexp.MustCompile(`dup\s+(\d{1,3})\s*/([^\s/\[\]{}()<>]+)\s+put`)

// type1Encoding reads the built-in encoding of an embedded Type 1 font
// from the clear-text part of its program; nil when there is none.
func (d *reader) type1Encoding(desc types.Dict) *[256]string {
	if desc == nil || desc["FontFile"] == nil {
		return nil
	}
	data := d.streamData(desc["FontFile"])
	if i := bytes.Index(data, []byte("eexec")); i >= 0 {
		data = data[:i]
	}
	data = data[:min(len(data), 256<<10)]
	if bytes.Contains(data, []byte("/Encoding StandardEncoding")) {
		return standard
	}
	m := type1DupRe.FindAllSubmatch(data, 512)
	if len(m) == 0 {
		return nil
	}
	var enc [256]string
	for _, sm := range m {
		if c, err := strconv.Atoi(string(sm[1])); err == nil && c < 256 {
			enc[c] = glyphName(string(sm[2]))
		}
	}
	return &enc
}

func (d *reader) loadComposite(f *font, fd types.Dict) {
	switch e := d.resolve(fd["Encoding"]).(type) {
	case types.Name:
		n := string(e)
		if strings.HasPrefix(n, "Uni") && (strings.Contains(n, "UCS2") || strings.Contains(n, "UTF16")) {
			f.utf16 = true
		}
	case types.StreamDict:
		if b := d.streamData(fd["Encoding"]); len(b) > 0 {
			f.cmap = d.parseCMap(b)
		}
	}
	desc := d.dict(firstOf(d.array(fd["DescendantFonts"])))
	f.dw = 1
	if dw, ok := d.num(desc["DW"]); ok {
		f.dw = dw / 1000
	}
	w := d.array(desc["W"])
	f.cidW = map[uint32]float64{}
	for i := 0; i+1 < len(w) && len(f.cidW) < 1<<16 && len(f.cidWR) < 1<<16; {
		c, _ := d.num(w[i])
		if a := d.array(w[i+1]); a != nil {
			for j, o := range a {
				if len(f.cidW) >= 1<<16 {
					break
				}
				v, _ := d.num(o)
				f.cidW[uint32(c)+uint32(j)] = v / 1000
			}
			i += 2
			continue
		}
		if i+2 >= len(w) {
			break
		}
		c2, _ := d.num(w[i+1])
		v, _ := d.num(w[i+2])
		if c2 >= c && c >= 0 {
			f.cidWR = append(f.cidWR, cidWidth{uint32(c), uint32(c2), v / 1000})
		}
		i += 3
	}
	if b := d.streamData(desc["CIDToGIDMap"]); len(b) >= 2 {
		f.cidGID = make([]uint16, min(len(b)/2, 1<<16))
		for i := range f.cidGID {
			f.cidGID[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
	}
}

// firstOf returns the first element of an array, or nil.
func firstOf(a types.Array) types.Object {
	if len(a) == 0 {
		return nil
	}
	return a[0]
}

// loadTrueTypeCmap lets a composite font without a ToUnicode map decode its
// glyphs through the cmap table of its embedded TrueType program.
func (d *reader) loadTrueTypeCmap(f *font, fd types.Dict) {
	desc := d.dict(firstOf(d.array(fd["DescendantFonts"])))
	fdesc := d.dict(desc["FontDescriptor"])
	if fdesc == nil || fdesc["FontFile2"] == nil {
		return
	}
	data := d.streamData(fdesc["FontFile2"])
	if len(data) == 0 {
		return
	}
	f.gidUni = invertCmap(data)
}

func invertCmap(data []byte) (out map[uint16]rune) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	ft, err := sfnt.Parse(data)
	if err != nil {
		return nil
	}
	out = map[uint16]rune{}
	var buf sfnt.Buffer
	for r := rune(0x20); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		gi, err := ft.GlyphIndex(&buf, r)
		if err != nil || gi == 0 {
			continue
		}
		if _, ok := out[uint16(gi)]; !ok {
			out[uint16(gi)] = r
		}
	}
	return out
}

// stripSubset removes the "ABCDEF+" tag of a font subset.
func stripSubset(name string) string {
	if len(name) > 7 && name[6] == '+' {
		return name[7:]
	}
	return name
}

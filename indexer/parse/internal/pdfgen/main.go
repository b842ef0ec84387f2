// Command pdfgen writes the generated PDF fixtures of the PDF parser's
// tests to a folder (testdata/pdf). It writes the PDF syntax itself, so that
// each fixture exercises one thing on purpose (an encoding, a font type, a
// layout) and comes out byte for byte the same on every run:
//
//	go run ./indexer/parse/internal/pdfgen -out testdata/pdf
//
// Only the widths of the standard 14 fonts come from a library (pdfcpu's
// font metrics), to place words and columns.
package main

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/font"
	"golang.org/x/text/encoding/charmap"
)

func main() {
	out := flag.String("out", "testdata/pdf", "folder to write the fixtures to")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	files := map[string][]byte{
		"generated-de.pdf":         germanReport(),
		"generated-xmp.pdf":        xmpDocument(),
		"generated-notitle.pdf":    untitledMinutes(),
		"generated-scan.pdf":       scan(),
		"generated-encrypted.pdf":  encrypted("geheim"),
		"generated-owner-only.pdf": encrypted(""),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// ---------------------------------------------------------------------------
// A minimal PDF writer.

type writer struct {
	objs [][]byte
	key  []byte // RC4 file key of the standard security handler, or nil
}

// alloc reserves an object number.
func (w *writer) alloc() int {
	w.objs = append(w.objs, nil)
	return len(w.objs)
}

func (w *writer) set(num int, body string) { w.objs[num-1] = []byte(body) }

// add writes a new object.
func (w *writer) add(body string) int {
	n := w.alloc()
	w.set(n, body)
	return n
}

// str returns a text string of object num as a hex string: UTF-16BE when s
// is not Latin-1, else PDFDocEncoding (Latin-1 is a subset).
func (w *writer) str(num int, s string) string {
	var b []byte
	if latin1(s) {
		for _, r := range s {
			b = append(b, byte(r))
		}
	} else {
		b = []byte{0xFE, 0xFF}
		for _, u := range utf16BE(s) {
			b = binary.BigEndian.AppendUint16(b, u)
		}
	}
	return fmt.Sprintf("<%X>", w.crypt(num, b))
}

// stream writes a stream object, Flate-compressed if asked.
func (w *writer) stream(num int, dict string, data []byte, compress bool) {
	if compress {
		var buf bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
		zw.Write(data)
		zw.Close()
		data = buf.Bytes()
		dict += " /Filter /FlateDecode"
	}
	data = w.crypt(num, data)
	w.objs[num-1] = fmt.Appendf(nil, "<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

func (w *writer) addStream(dict string, data []byte, compress bool) int {
	n := w.alloc()
	w.stream(n, dict, data, compress)
	return n
}

// crypt encrypts the data of object num with RC4 (PDF algorithm 1).
func (w *writer) crypt(num int, data []byte) []byte {
	if w.key == nil {
		return data
	}
	k := append(append([]byte{}, w.key...), byte(num), byte(num>>8), byte(num>>16), 0, 0)
	sum := md5.Sum(k)
	c, _ := rc4.NewCipher(sum[:min(len(w.key)+5, 16)])
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// bytes lays out the file: header, objects, cross-reference table, trailer.
func (w *writer) bytes(root, info int, id []byte, encrypt int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(w.objs))
	for i, o := range w.objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(w.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R", len(w.objs)+1, root)
	if info > 0 {
		fmt.Fprintf(&b, " /Info %d 0 R", info)
	}
	if encrypt > 0 {
		fmt.Fprintf(&b, " /Encrypt %d 0 R", encrypt)
	}
	fmt.Fprintf(&b, " /ID [<%X> <%X>] >>\nstartxref\n%d\n%%%%EOF\n", id, id, xref)
	return b.Bytes()
}

// fileID is a fixed document id.
func fileID(name string) []byte {
	sum := md5.Sum([]byte(name))
	return sum[:]
}

// pages writes a page tree. Each page gets its content stream and the
// shared resources.
func (w *writer) pages(resources string, contents [][]byte, compress bool) int {
	tree := w.alloc()
	var kids []string
	for _, c := range contents {
		content := w.addStream("", c, compress)
		kids = append(kids, fmt.Sprintf("%d 0 R", w.add(fmt.Sprintf(
			"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>",
			tree, resources, content))))
	}
	w.set(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	return tree
}

// ---------------------------------------------------------------------------
// Content streams.

type content struct{ bytes.Buffer }

// text shows s (UTF-8, drawn in WinAnsiEncoding) at x, y.
func (c *content) text(font string, size, x, y float64, s string) {
	fmt.Fprintf(&c.Buffer, "BT /%s %g Tf %g %g Td %s Tj ET\n", font, size, x, y, lit(winAnsi(s)))
}

// lit writes a literal string.
func lit(b []byte) string {
	var s strings.Builder
	s.WriteByte('(')
	for _, c := range b {
		switch {
		case c == '(' || c == ')' || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&s, "\\%03o", c)
		default:
			s.WriteByte(c)
		}
	}
	s.WriteByte(')')
	return s.String()
}

func winAnsi(s string) []byte {
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		log.Fatalf("%q: %v", s, err)
	}
	return b
}

func macRoman(s string) []byte {
	b, err := charmap.Macintosh.NewEncoder().Bytes([]byte(s))
	if err != nil {
		log.Fatalf("%q: %v", s, err)
	}
	return b
}

// width is the width of s in a standard font.
func width(fontName string, size float64, s string) float64 {
	w := 0
	for _, c := range winAnsi(s) {
		cw, err := font.CharWidth(fontName, rune(c))
		if err != nil {
			log.Fatal(err)
		}
		w += cw
	}
	return float64(w) * size / 1000
}

func latin1(s string) bool {
	for _, r := range s {
		if r > 0xFF {
			return false
		}
	}
	return true
}

func utf16BE(s string) []uint16 {
	var u []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			u = append(u, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
		} else {
			u = append(u, uint16(r))
		}
	}
	return u
}

// ---------------------------------------------------------------------------
// The fixtures.

// germanReport is a three-page German report with metadata in the Info
// dictionary: page 1 in one column with hyphenated line breaks, page 2 in
// two columns drawn row by row (left line, right line, …), page 3 with
// other encodings and constructs.
func germanReport() []byte {
	w := &writer{}
	fonts := w.standardFonts()

	// Page 1.
	var p1 content
	p1.text("F2", 20, 56, 770, "Innovationskultur in Lernnetzwerken")
	y := 730.0
	for i, para := range [][]string{
		{
			"Lernnetzwerke verbinden Betriebe, Hochschulen und Kammern. Eine gelebte Innovations-",
			"kultur entsteht, wenn Fachkräfte Erfahrungen austauschen und Lösungen gemeinsam",
			"erproben. Größere Übungsräume, längere Öffnungszeiten und mutige Äußerungen",
			"gehören dazu, auch über die Grenzen des eigenen Unternehmens hinaus.",
		},
		{
			"Die Weiterbildung der Beschäftigten bleibt eine Daueraufgabe, denn Arbeits-",
			"und Lebenswelt wachsen zusammen. Ein gut gepflegtes E-",
			"Mail-Postfach ersetzt trotzdem keine Werkstatt.",
		},
	} {
		if i > 0 {
			y -= 10
		}
		for _, line := range para {
			p1.text("F1", 11, 56, y, line)
			y -= 14
		}
	}
	p1.text("F1", 9, 290, 40, "Seite 1")

	// Page 2: a heading over two columns, drawn row-interleaved.
	var p2 content
	p2.text("F2", 16, 56, 770, "Zwei Spalten: Erfahrungen aus dem Netzwerk")
	left := []string{
		"Im ersten Jahr trafen sich die",
		"Mitglieder monatlich. Jede Sitzung",
		"begann mit einem kurzen Bericht",
		"aus einem Betrieb.",
		"",
		"Später kamen Werkstattbesuche",
		"hinzu, bei denen Auszubildende",
		"ihre Projekte vorstellten.",
	}
	right := []string{
		"Die rechte Spalte beschreibt die",
		"Ergebnisse: drei neue Kurse, ein",
		"gemeinsamer Prüfungspool und ein",
		"Mentoringprogramm.",
		"",
		"Außerdem entstand ein digitales",
		"Forum für Fragen zwischen den",
		"Treffen.",
	}
	for i := range left {
		y := 730 - 13*float64(i)
		if left[i] != "" {
			p2.text("F1", 10, 56, y, left[i])
		}
		if right[i] != "" {
			p2.text("F1", 10, 310, y, right[i])
		}
	}
	p2.text("F1", 9, 290, 40, "Seite 2")

	// Page 3.
	var p3 content
	p3.text("F2", 14, 56, 770, "Sonderfälle")
	// Differences: codes 1–5 are ligatures and German letters.
	fmt.Fprintf(&p3, "BT /F3 12 Tf 56 740 Td %s Tj ET\n",
		lit([]byte("Der Ein\002uss der \001nanziellen Mittel auf die Qualit\003t der Stra\004en und O\005ziere.")))
	// MacRomanEncoding.
	fmt.Fprintf(&p3, "BT /F4 12 Tf 56 720 Td %s Tj ET\n", lit(macRoman("Grüße aus Köln und Übach-Palenberg.")))
	// Word spaces made by positioning only, and kerning that is no space.
	fmt.Fprintf(&p3, "BT /F1 12 Tf 56 700 Td [(W) 80 (ort) -250 (ohne) -250 (Leerzeichen) -250 (dazwischen.)] TJ ET\n")
	x := 56.0
	for _, word := range strings.Fields("Jedes Wort einzeln gesetzt.") {
		fmt.Fprintf(&p3, "BT /F1 12 Tf %g 680 Td %s Tj ET\n", x, lit(winAnsi(word)))
		x += width("Helvetica", 12, word+" ")
	}
	// A composite font with a ToUnicode map: "Überprüfung der Qualifikation".
	fmt.Fprintf(&p3, "BT /F5 12 Tf 56 660 Td <%s> Tj ET\n", "0001000200030004000500040006000700080009000A"+
		"000B000C00030004000B"+"000D0008000E000F001000110012"+"000B0022002000220021")
	// Drawn twice, slightly offset (fake bold).
	p3.text("F2", 12, 56, 640, "Fett gedruckt")
	p3.text("F2", 12, 56.3, 640, "Fett gedruckt")
	// Invisible text, as OCR layers are drawn.
	fmt.Fprintf(&p3, "BT 3 Tr /F1 12 Tf 56 620 Td %s Tj ET\n", lit(winAnsi("Unsichtbarer OCR-Text")))
	// A TeX-style accent: the dieresis drawn over the following "a".
	wa, wd := width("Times-Roman", 12, "a")*1000/12, 333.0
	fmt.Fprintf(&p3, "BT /F6 12 Tf 56 600 Td [(M) %g (\\310) %g (adchen lernen.)] TJ ET\n", -(wa-wd)/2, wd+(wa-wd)/2)
	// Text in a form XObject.
	p3.WriteString("q 1 0 0 1 56 580 cm /X1 Do Q\n")
	// A note in the margin, rotated by 90°.
	fmt.Fprintf(&p3, "BT /F1 9 Tf 0 1 -1 0 560 300 Tm %s Tj ET\n", lit(winAnsi("Randnotiz: gedreht")))

	form := w.addStream("/Type /XObject /Subtype /Form /BBox [0 0 400 20] /Resources << /Font << /F1 "+
		fonts["F1"]+" >> >>", []byte("BT /F1 12 Tf 0 5 Td (Text in einem Formular.) Tj ET"), false)

	resources := fmt.Sprintf("<< /Font << %s >> /XObject << /X1 %d 0 R >> >>", fontDict(fonts), form)
	tree := w.pages(resources, [][]byte{p1.Bytes(), p2.Bytes(), p3.Bytes()}, true)
	root := w.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Lang (de-DE) >>", tree))
	info := w.alloc()
	w.set(info, fmt.Sprintf("<< /Title %s /Author %s /Subject %s /Keywords %s /CreationDate (D:20200327101500+01'00') /Producer (Fundus pdfgen) >>",
		w.str(info, "Innovationskultur in Lernnetzwerken – ein Bericht"),
		w.str(info, "Erika Musterfrau; Jörg Müller"),
		w.str(info, "Wie Lernnetzwerke Innovation fördern"),
		w.str(info, "Innovation, Lernnetzwerk, Weiterbildung")))
	return w.bytes(root, info, fileID("generated-de"), 0)
}

// standardFonts writes the fonts of the German report:
// F1 Helvetica and F2 Helvetica-Bold in WinAnsiEncoding (no widths: the
// reader uses the standard metrics), F3 Times-Roman with Differences
// (codes 1–5: fi, fl, adieresis, germandbls, ffi) and widths, F4 Helvetica
// in MacRomanEncoding, F5 a composite font (Identity-H) with a ToUnicode
// map, F6 Times-Roman in StandardEncoding.
func (w *writer) standardFonts() map[string]string {
	ref := func(n int) string { return fmt.Sprintf("%d 0 R", n) }
	fonts := map[string]string{
		"F1": ref(w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")),
		"F2": ref(w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")),
		"F4": ref(w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /MacRomanEncoding >>")),
		"F6": ref(w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /StandardEncoding >>")),
	}
	var widths []string
	for c := 0; c < 256; c++ {
		cw, _ := font.CharWidth("Times-Roman", rune(c))
		switch c {
		case 1, 2:
			cw = 556
		case 3:
			cw = 444
		case 4:
			cw = 500
		case 5:
			cw = 833
		}
		widths = append(widths, fmt.Sprint(cw))
	}
	fonts["F3"] = ref(w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /FirstChar 0 /LastChar 255 /Widths [" +
		strings.Join(widths, " ") + "] /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding " +
		"/Differences [1 /fi /fl /adieresis /germandbls /ffi] >> >>"))

	// F5: "Überprüfung der Qualifikation 2021" in codes 1–18 (17 is the
	// fi ligature, 18 the whole "kation") and 32–41 (digits), mapped by
	// bfchar entries and by both kinds of bfrange.
	cmap := `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Fundus-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
13 beginbfchar
<0001> <00DC>
<0004> <0072>
<0005> <0070>
<0006> <00FC>
<0007> <0066>
<0008> <0075>
<0009> <006E>
<000A> <0067>
<000B> <0020>
<000D> <0051>
<0010> <0069>
<0011> <FB01>
<0012> <006B006100740069006F006E>
endbfchar
4 beginbfrange
<0002> <0003> [<0062> <0065>]
<000C> <000C> <0064>
<000E> <000F> [<0061> <006C>]
<0020> <0029> <0030>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
`
	toUni := w.addStream("", []byte(cmap), true)
	desc := w.add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Helvetica /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> " +
		"/DW 556 /W [1 [722 556 556 333 556 556 278 556 556 556 278 556 778 556 222 222 500 2668] 32 41 556] >>")
	fonts["F5"] = ref(w.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /Helvetica /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", desc, toUni)))
	return fonts
}

func fontDict(fonts map[string]string) string {
	var parts []string
	for _, k := range []string{"F1", "F2", "F3", "F4", "F5", "F6"} {
		if v, ok := fonts[k]; ok {
			parts = append(parts, "/"+k+" "+v)
		}
	}
	return strings.Join(parts, " ")
}

// xmpDocument has its metadata in XMP only (and an Info dictionary with
// only a producer).
func xmpDocument() []byte {
	w := &writer{}
	f1 := w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var c content
	c.text("F1", 16, 56, 770, "Empfehlungen")
	c.text("F1", 11, 56, 740, "Netzwerke sollten ihre Ergebnisse offen teilen und regelmäßig prüfen.")
	tree := w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", f1), [][]byte{c.Bytes()}, false)
	xmp := `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmp:CreateDate="2021-11-05T09:30:00+01:00" pdf:Producer="Fundus pdfgen">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Handlungsempfehlungen für Lernnetzwerke</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>Anna Schäfer</rdf:li><rdf:li>Ben Öztürk</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Zehn Empfehlungen aus drei Jahren Netzwerkarbeit</rdf:li></rdf:Alt></dc:description>
   <dc:subject><rdf:Bag><rdf:li>Empfehlung</rdf:li><rdf:li>Netzwerkarbeit</rdf:li></rdf:Bag></dc:subject>
   <dc:language><rdf:Bag><rdf:li>de</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
	meta := w.addStream("/Type /Metadata /Subtype /XML", []byte(xmp), false)
	root := w.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Metadata %d 0 R >>", tree, meta))
	info := w.add("<< /Producer (Fundus pdfgen) /Title (Microsoft Word - Empfehlungen_final_v3.docx) >>")
	return w.bytes(root, info, fileID("generated-xmp"), 0)
}

// untitledMinutes has no metadata: its title is its largest line.
func untitledMinutes() []byte {
	w := &writer{}
	f1 := w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	f2 := w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	var c content
	c.text("F1", 8, 56, 800, "Netzwerk Süd – intern")
	c.text("F2", 18, 56, 760, "Protokoll des Netzwerktreffens")
	c.text("F1", 11, 56, 730, "Anwesend waren zwölf Betriebe und zwei Hochschulen.")
	c.text("F1", 11, 56, 716, "Nächstes Treffen: im Frühjahr.")
	tree := w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R /F2 %d 0 R >> >>", f1, f2), [][]byte{c.Bytes(), nil}, false)
	root := w.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	return w.bytes(root, 0, fileID("generated-notitle"), 0)
}

// scan is a page with an image and no text, as scanners make them.
func scan() []byte {
	w := &writer{}
	img := w.addStream("/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8",
		bytes.Repeat([]byte{0x80}, 64), true)
	tree := w.pages(fmt.Sprintf("<< /XObject << /Im1 %d 0 R >> >>", img), [][]byte{[]byte("q 500 0 0 700 48 70 cm /Im1 Do Q\n")}, false)
	root := w.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	info := w.add("<< /Title (Eingescannter Brief) /Producer (Fundus pdfgen) >>")
	return w.bytes(root, info, fileID("generated-scan"), 0)
}

// encrypted is a one-page document encrypted with the standard security
// handler (RC4, 40 bits, revision 2) and the owner password "owner". With
// an empty user password, it opens without one.
func encrypted(userPW string) []byte {
	id := fileID("generated-encrypted-" + userPW)
	o, u, key := rc4Keys(userPW, "owner", -44, id)
	w := &writer{}
	f1 := w.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	w.key = key
	var c content
	c.text("F1", 12, 56, 770, "Vertraulicher Bericht über die Fördermittel.")
	tree := w.pages(fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", f1), [][]byte{c.Bytes()}, true)
	root := w.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", tree))
	info := w.alloc()
	w.set(info, fmt.Sprintf("<< /Title %s >>", w.str(info, "Vertraulicher Bericht")))
	w.key = nil
	enc := w.add(fmt.Sprintf("<< /Filter /Standard /V 1 /R 2 /O <%X> /U <%X> /P -44 >>", o, u))
	return w.bytes(root, info, id, enc)
}

// rc4Keys computes the O and U entries and the file key of the standard
// security handler, revision 2 (PDF 32000-1, algorithms 2, 3 and 4).
func rc4Keys(userPW, ownerPW string, p int32, id []byte) (o, u, key []byte) {
	padding := []byte{0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
		0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A}
	pad := func(pw string) []byte { return append([]byte(pw), padding...)[:32] }
	xor := func(k, data []byte) []byte {
		c, _ := rc4.NewCipher(k)
		out := make([]byte, len(data))
		c.XORKeyStream(out, data)
		return out
	}
	ok := md5.Sum(pad(ownerPW))
	o = xor(ok[:5], pad(userPW))
	h := md5.New()
	h.Write(pad(userPW))
	h.Write(o)
	h.Write(binary.LittleEndian.AppendUint32(nil, uint32(p)))
	h.Write(id)
	key = h.Sum(nil)[:5]
	u = xor(key, padding)
	return o, u, key
}

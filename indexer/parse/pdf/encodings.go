package pdf

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Glyph names and encodings.

// cleanGlyph normalises the text of one glyph: ligatures are expanded,
// the various spaces become a space, invisible and private-use characters
// are dropped (private-use bullets of symbol fonts become "•").
func cleanGlyph(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == 0xA0 || r >= 0x2000 && r <= 0x200A || r == 0x202F || r == 0x205F || r == 0x3000:
			b.WriteByte(' ')
		case r < 0x20 || r >= 0x7f && r < 0xA0 || r == 0xFFFD || r == 0xFEFF || r >= 0x200B && r <= 0x200F:
		case r >= 0xFB00 && r <= 0xFB06:
			b.WriteString([]string{"ff", "fi", "fl", "ffi", "ffl", "st", "st"}[r-0xFB00])
		case r == 0xF0B7 || r == 0xF0A7 || r == 0xF0D8 || r == 0xF0FC || r == 0xF0E0 || r == 0xF06E || r == 0xF075:
			b.WriteString("•")
		case r >= 0xE000 && r <= 0xF8FF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var glyphRunes = sync.OnceValue(func() map[string]rune {
	m := make(map[string]rune, 700)
	for _, f := range strings.Fields(glyphList) {
		name, hex, _ := strings.Cut(f, ":")
		v, err := strconv.ParseUint(hex, 16, 32)
		if err == nil {
			if _, dup := m[name]; !dup {
				m[name] = rune(v)
			}
		}
	}
	for i, name := range strings.Fields(latin1Names) {
		if _, dup := m[name]; !dup {
			m[name] = rune(0xA1 + i)
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		m[string(c)] = c
		m[string(c+32)] = c + 32
	}
	return m
})

// glyphName returns the text of a glyph name (Adobe Glyph List rules:
// suffixes after a dot are dropped, underscores join ligatures, "uniXXXX"
// and "uXXXX" give code points). Unknown names give "".
func glyphName(name string) string {
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	if strings.Contains(name, "_") {
		var b strings.Builder
		for part := range strings.SplitSeq(name, "_") {
			s := glyphName(part)
			if s == "" {
				return ""
			}
			b.WriteString(s)
		}
		return b.String()
	}
	if r, ok := glyphRunes()[name]; ok {
		return string(r)
	}
	if hex, ok := strings.CutPrefix(name, "uni"); ok && len(hex) >= 4 && len(hex)%4 == 0 {
		var b strings.Builder
		for i := 0; i < len(hex); i += 4 {
			v, err := strconv.ParseUint(hex[i:i+4], 16, 16)
			if err != nil || v >= 0xD800 && v < 0xE000 {
				return ""
			}
			b.WriteRune(rune(v))
		}
		return b.String()
	}
	if hex, ok := strings.CutPrefix(name, "u"); ok && len(hex) >= 4 && len(hex) <= 6 {
		v, err := strconv.ParseUint(hex, 16, 32)
		if err == nil && v <= unicode.MaxRune && !(v >= 0xD800 && v < 0xE000) {
			return string(rune(v))
		}
	}
	return ""
}

// The simple encodings: the text of each code.
var (
	winAnsi  = charmapEncoding(charmap.Windows1252, map[byte]string{0xA0: " ", 0xAD: "-"})
	macRoman = charmapEncoding(charmap.Macintosh, map[byte]string{0xCA: " "})
	standard = standardEncoding()
)

func charmapEncoding(cm *charmap.Charmap, fix map[byte]string) *[256]string {
	var enc [256]string
	for c := 0x20; c < 256; c++ {
		r := cm.DecodeByte(byte(c))
		if r != utf8.RuneError && r != 0x7F && !(r >= 0x80 && r < 0xA0) {
			enc[c] = string(r)
		}
	}
	for c, s := range fix {
		enc[c] = s
	}
	return &enc
}

func standardEncoding() *[256]string {
	var enc [256]string
	for c := 0x20; c < 0x7F; c++ {
		enc[c] = string(rune(c))
	}
	enc[0x27], enc[0x60] = "\u2019", "\u2018"
	for _, f := range strings.Fields(standardHigh) {
		code, name, _ := strings.Cut(f, ":")
		c, err := strconv.ParseUint(code, 16, 8)
		if err == nil {
			enc[c] = glyphName(name)
		}
	}
	return &enc
}

// standardHigh is Adobe StandardEncoding above 0x7F: code:glyph name.
const standardHigh = `a1:exclamdown a2:cent a3:sterling a4:fraction a5:yen a6:florin a7:section
a8:currency a9:quotesingle aa:quotedblleft ab:guillemotleft ac:guilsinglleft ad:guilsinglright
ae:fi af:fl b1:endash b2:dagger b3:daggerdbl b4:periodcentered b6:paragraph b7:bullet
b8:quotesinglbase b9:quotedblbase ba:quotedblright bb:guillemotright bc:ellipsis bd:perthousand
bf:questiondown c1:grave c2:acute c3:circumflex c4:tilde c5:macron c6:breve c7:dotaccent
c8:dieresis ca:ring cb:cedilla cd:hungarumlaut ce:ogonek cf:caron d0:emdash e1:AE
e3:ordfeminine e8:Lslash e9:Oslash ea:OE eb:ordmasculine f1:ae f5:dotlessi f8:lslash
f9:oslash fa:oe fb:germandbls`

// latin1Names are the glyph names of U+00A1…U+00FF.
const latin1Names = `exclamdown cent sterling currency yen brokenbar section dieresis copyright
ordfeminine guillemotleft logicalnot sfthyphen registered macron degree plusminus twosuperior
threesuperior acute mu paragraph periodcentered cedilla onesuperior ordmasculine guillemotright
onequarter onehalf threequarters questiondown Agrave Aacute Acircumflex Atilde Adieresis Aring
AE Ccedilla Egrave Eacute Ecircumflex Edieresis Igrave Iacute Icircumflex Idieresis Eth Ntilde
Ograve Oacute Ocircumflex Otilde Odieresis multiply Oslash Ugrave Uacute Ucircumflex Udieresis
Yacute Thorn germandbls agrave aacute acircumflex atilde adieresis aring ae ccedilla egrave
eacute ecircumflex edieresis igrave iacute icircumflex idieresis eth ntilde ograve oacute
ocircumflex otilde odieresis divide oslash ugrave uacute ucircumflex udieresis yacute thorn
ydieresis`

// glyphList maps the other common glyph names (of the Adobe Glyph List)
// to code points: name:hex.
const glyphList = `space:20 exclam:21 quotedbl:22 numbersign:23 dollar:24 percent:25
ampersand:26 quotesingle:27 parenleft:28 parenright:29 asterisk:2a plus:2b comma:2c hyphen:2d
period:2e slash:2f zero:30 one:31 two:32 three:33 four:34 five:35 six:36 seven:37 eight:38
nine:39 colon:3a semicolon:3b less:3c equal:3d greater:3e question:3f at:40 bracketleft:5b
backslash:5c bracketright:5d asciicircum:5e underscore:5f grave:60 braceleft:7b bar:7c
braceright:7d asciitilde:7e nbspace:a0 nonbreakingspace:a0 hyphen:2d minus:2212
Amacron:100 amacron:101 Abreve:102 abreve:103 Aogonek:104 aogonek:105 Cacute:106 cacute:107
Ccircumflex:108 ccircumflex:109 Cdotaccent:10a cdotaccent:10b Ccaron:10c ccaron:10d
Dcaron:10e dcaron:10f Dcroat:110 dcroat:111 Emacron:112 emacron:113 Ebreve:114 ebreve:115
Edotaccent:116 edotaccent:117 Eogonek:118 eogonek:119 Ecaron:11a ecaron:11b Gcircumflex:11c
gcircumflex:11d Gbreve:11e gbreve:11f Gdotaccent:120 gdotaccent:121 Gcommaaccent:122
gcommaaccent:123 Hcircumflex:124 hcircumflex:125 Hbar:126 hbar:127 Itilde:128 itilde:129
Imacron:12a imacron:12b Ibreve:12c ibreve:12d Iogonek:12e iogonek:12f Idotaccent:130
dotlessi:131 IJ:132 ij:133 Jcircumflex:134 jcircumflex:135 Kcommaaccent:136 kcommaaccent:137
kgreenlandic:138 Lacute:139 lacute:13a Lcommaaccent:13b lcommaaccent:13c Lcaron:13d lcaron:13e
Ldot:13f ldot:140 Lslash:141 lslash:142 Nacute:143 nacute:144 Ncommaaccent:145 ncommaaccent:146
Ncaron:147 ncaron:148 napostrophe:149 Eng:14a eng:14b Omacron:14c omacron:14d Obreve:14e
obreve:14f Ohungarumlaut:150 ohungarumlaut:151 OE:152 oe:153 Racute:154 racute:155
Rcommaaccent:156 rcommaaccent:157 Rcaron:158 rcaron:159 Sacute:15a sacute:15b Scircumflex:15c
scircumflex:15d Scedilla:15e scedilla:15f Scaron:160 scaron:161 Tcommaaccent:162
tcommaaccent:163 Tcaron:164 tcaron:165 Tbar:166 tbar:167 Utilde:168 utilde:169 Umacron:16a
umacron:16b Ubreve:16c ubreve:16d Uring:16e uring:16f Uhungarumlaut:170 uhungarumlaut:171
Uogonek:172 uogonek:173 Wcircumflex:174 wcircumflex:175 Ycircumflex:176 ycircumflex:177
Ydieresis:178 Zacute:179 zacute:17a Zdotaccent:17b zdotaccent:17c Zcaron:17d zcaron:17e
longs:17f florin:192 Scommaaccent:218 scommaaccent:219 Tcedilla:162 tcedilla:163 dotlessj:237
circumflex:2c6 caron:2c7 breve:2d8 dotaccent:2d9 ring:2da ogonek:2db tilde:2dc hungarumlaut:2dd
gravecomb:300 acutecomb:301 tildecomb:303 hookabovecomb:309 dotbelowcomb:323
Alpha:391 Beta:392 Gamma:393 Delta:394 Epsilon:395 Zeta:396 Eta:397 Theta:398 Iota:399
Kappa:39a Lambda:39b Mu:39c Nu:39d Xi:39e Omicron:39f Pi:3a0 Rho:3a1 Sigma:3a3 Tau:3a4
Upsilon:3a5 Phi:3a6 Chi:3a7 Psi:3a8 Omega:3a9 alpha:3b1 beta:3b2 gamma:3b3 delta:3b4
epsilon:3b5 zeta:3b6 eta:3b7 theta:3b8 iota:3b9 kappa:3ba lambda:3bb nu:3bd xi:3be
omicron:3bf pi:3c0 rho:3c1 sigma1:3c2 sigma:3c3 tau:3c4 upsilon:3c5 phi:3c6 chi:3c7 psi:3c8
omega:3c9 theta1:3d1 phi1:3d5 omega1:3d6 Germandbls:1e9e
figuredash:2012 endash:2013 emdash:2014 afii00208:2015 quoteleft:2018 quoteright:2019
quotesinglbase:201a quotereversed:201b quotedblleft:201c quotedblright:201d quotedblbase:201e
dagger:2020 daggerdbl:2021 bullet:2022 onedotenleader:2024 twodotenleader:2025 ellipsis:2026
perthousand:2030 minute:2032 second:2033 guilsinglleft:2039 guilsinglright:203a
exclamdbl:203c fraction:2044 Euro:20ac trademark:2122 Ifraktur:2111 Rfraktur:211c
weierstrass:2118 aleph:2135 Ohm:2126 estimated:212e onethird:2153 twothirds:2154
oneeighth:215b threeeighths:215c fiveeighths:215d seveneighths:215e arrowleft:2190
arrowup:2191 arrowright:2192 arrowdown:2193 arrowboth:2194 arrowupdn:2195 arrowdblleft:21d0
arrowdblup:21d1 arrowdblright:21d2 arrowdbldown:21d3 arrowdblboth:21d4 universal:2200
partialdiff:2202 existential:2203 emptyset:2205 increment:2206 gradient:2207 element:2208
notelement:2209 suchthat:220b product:220f summation:2211 asteriskmath:2217 radical:221a
proportional:221d infinity:221e angle:2220 logicaland:2227 logicalor:2228 intersection:2229
union:222a integral:222b therefore:2234 similar:223c congruent:2245 approxequal:2248
notequal:2260 equivalence:2261 lessequal:2264 greaterequal:2265 propersubset:2282
propersuperset:2283 reflexsubset:2286 reflexsuperset:2287 circleplus:2295
circlemultiply:2297 perpendicular:22a5 dotmath:22c5 lozenge:25ca openbullet:25e6
filledbox:25a0 H22073:25a1 circle:25cb blackcircle:25cf checkmark:2713 visiblespace:2423
ff:fb00 fi:fb01 fl:fb02 ffi:fb03 ffl:fb04 cwm:200c compwordmark:200c nbhyphen:2011
`

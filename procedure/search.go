package procedure

import (
	"bytes"
	"cmp"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/motcua/motcua/internal/fold"
)

// The ranks of a search result, best first.
const (
	rankExact      = iota // the whole name, or the code, is the query
	rankPrefix            // the name starts with the query phrase
	rankPhrase            // the query phrase is inside the name
	rankWords             // every query word starts a word of the name
	rankCodePrefix        // the code starts with the query
	numRanks
)

// A searchIndex is built once with the catalogue. Names are folded (lower
// case, no diacritics, đ as d) and cut into words; every distinct word gets
// an id in sorted order, so that the words starting with a prefix are one
// run of ids, and a posting list of the entries that contain it.
type searchIndex struct {
	entries []entry   // one per code, in Vietnamese collation order
	vocab   []string  // distinct folded words, sorted
	posting [][]int32 // per word id, the entries that contain it, ascending
	codes   []string  // folded codes, sorted
	codeAt  []int32   // the entry of codes[i]
}

type entry struct {
	at  int     // the version in Catalog.procs
	ids []int32 // the word ids of the folded name, in order
}

// A searchText is what the index needs of one name, computed while a file
// is read, in parallel, so that building the index only sorts and numbers.
type searchText struct {
	words []string // the folded words of the name
	key   []byte   // its Vietnamese collation key
	code  string   // the folded code
}

// A textMaker computes searchTexts. A collator is not safe for concurrent
// use, so each goroutine has its own.
type textMaker struct {
	col *collate.Collator
	buf collate.Buffer
}

func newTextMaker() *textMaker { return &textMaker{col: collate.New(language.Vietnamese)} }

func (m *textMaker) text(p Procedure) searchText {
	folded := fold.String(p.Name)
	t := searchText{
		words: words(folded),
		key:   bytes.Clone(m.col.KeyFromString(&m.buf, keyPrefix(p.Name))),
		code:  fold.String(p.Code),
	}
	// Names that share their first keyRunes characters are ordered by the
	// rest of their folded text, which ignores only the diacritics.
	t.key = append(append(t.key, 0), folded...)
	m.buf.Reset()
	return t
}

// keyRunes bounds the text a collation key is computed from: computing it
// is most of the cost of indexing, and procedure names run to hundreds of
// characters while they differ within the first few dozen.
const keyRunes = 48

func keyPrefix(s string) string {
	n := 0
	for i := range s {
		if n == keyRunes {
			return s[:i]
		}
		n++
	}
	return s
}

// newSearchIndex indexes the newest version of each code of c; texts holds
// the searchText of each of c.procs, or is nil to compute them here.
func newSearchIndex(c *Catalog, texts []searchText) searchIndex {
	type pending struct {
		at int
		searchText
	}
	var m *textMaker
	var ps []pending
	for i, p := range c.procs {
		// Search shows the newest version of each code: procs is sorted by
		// code and date, so it is the last of its run.
		if i+1 < len(c.procs) && c.procs[i+1].Code == p.Code {
			continue
		}
		if texts == nil {
			if m == nil {
				m = newTextMaker()
			}
			ps = append(ps, pending{i, m.text(p)})
		} else {
			ps = append(ps, pending{i, texts[i]})
		}
	}
	slices.SortFunc(ps, func(a, b pending) int {
		return cmp.Or(bytes.Compare(a.key, b.key), cmp.Compare(a.code, b.code))
	})

	// A catalogue repeats a few hundred words thousands of times: collect
	// the distinct ones, sort them, then number every name's words.
	var ix searchIndex
	ids := make(map[string]int32)
	for _, p := range ps {
		for _, w := range p.words {
			if _, ok := ids[w]; !ok {
				ids[w] = 0
				ix.vocab = append(ix.vocab, w)
			}
		}
	}
	slices.Sort(ix.vocab)
	for i, w := range ix.vocab {
		ids[w] = int32(i)
	}
	ix.posting = make([][]int32, len(ix.vocab))
	ix.entries = make([]entry, len(ps))
	order := make([]int, len(ps))
	for e, p := range ps {
		wordIDs := make([]int32, len(p.words))
		for i, w := range p.words {
			id := ids[w]
			wordIDs[i] = id
			if l := ix.posting[id]; len(l) == 0 || l[len(l)-1] != int32(e) {
				ix.posting[id] = append(l, int32(e))
			}
		}
		ix.entries[e] = entry{at: p.at, ids: wordIDs}
		order[e] = e
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(ps[a].code, ps[b].code) })
	ix.codes = make([]string, len(order))
	ix.codeAt = make([]int32, len(order))
	for i, e := range order {
		ix.codes[i], ix.codeAt[i] = ps[e].code, int32(e)
	}
	return ix
}

// words cuts folded text into words at every rune that is neither a letter
// nor a digit, so that "giấy tờ, văn bản" gives giay, to, van, ban.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// A span is what one query word matches: the ids of the words it is a
// prefix of, [lo, hi), and the id of the word it equals, or -1.
type span struct{ lo, hi, exact int32 }

func (s span) has(id int32) bool { return s.lo <= id && id < s.hi }

// prefixRun returns the run of sorted that starts with prefix.
func prefixRun(sorted []string, prefix string) (lo, hi int) {
	lo = sort.SearchStrings(sorted, prefix)
	hi = lo + sort.Search(len(sorted)-lo, func(i int) bool { return !strings.HasPrefix(sorted[lo+i], prefix) })
	return lo, hi
}

// Search returns the procedures whose name or code matches query, best
// first. It ignores case and Vietnamese diacritics and counts đ as d, so
// "dang ky ket hon", "ĐĂNG KÝ KẾT HÔN" and "đăng ký kết hôn" all find "Thủ
// tục đăng ký kết hôn". Every word of the query must start a word of the
// name ("dk kh" does not match, "dang ky kết" does); a query that starts
// a code, such as "1.0011" or "1.000948.h38", matches the code.
//
// Results are ranked: the name (or code) equal to the query first, then
// names that start with the query as a phrase, names that contain it as a
// phrase, names that contain all its words in any order, and last codes
// that start with the query. Within a rank they are in Vietnamese collation
// order of their names (golang.org/x/text/collate). Search returns the
// newest version of each code, whether or not it is in force yet; nil when
// nothing matches, or the query has no letters or digits.
func (c *Catalog) Search(query string) []Procedure {
	ix := &c.index
	q := fold.String(query)
	qw := words(q)
	if len(qw) == 0 || len(ix.entries) == 0 {
		return nil
	}
	n := (len(ix.entries) + 63) / 64
	set := make([]uint64, 2*n)
	set, scratch := set[:n], set[n:]

	spans := make([]span, len(qw))
	names := true
	for i, w := range qw {
		lo, hi := prefixRun(ix.vocab, w)
		s := span{lo: int32(lo), hi: int32(hi), exact: -1}
		if lo < hi && ix.vocab[lo] == w {
			s.exact = int32(lo)
		}
		spans[i] = s
		if lo == hi {
			names = false
			break
		}
		target := set
		if i > 0 {
			clear(scratch)
			target = scratch
		}
		for id := lo; id < hi; id++ {
			for _, e := range ix.posting[id] {
				target[e>>6] |= 1 << (e & 63)
			}
		}
		if i > 0 {
			for k := range set {
				set[k] &= scratch[k]
			}
		}
	}
	if !names {
		clear(set)
	}

	// Codes match the whole query, which then has no spaces.
	codeRank := map[int32]int(nil)
	if !strings.ContainsRune(q, ' ') {
		lo, hi := prefixRun(ix.codes, q)
		if lo < hi {
			codeRank = make(map[int32]int, hi-lo)
			for i := lo; i < hi; i++ {
				e := ix.codeAt[i]
				set[e>>6] |= 1 << (e & 63)
				codeRank[e] = rankCodePrefix
				if ix.codes[i] == q {
					codeRank[e] = rankExact
				}
			}
		}
	}

	var buckets [numRanks][]int32
	total := 0
	for k, word := range set {
		for word != 0 {
			e := int32(k*64 + bits.TrailingZeros64(word))
			word &= word - 1
			r := numRanks
			if names {
				r = nameRank(ix.entries[e].ids, spans)
			}
			if cr, ok := codeRank[e]; ok && cr < r {
				r = cr
			}
			if r < numRanks {
				buckets[r] = append(buckets[r], e)
				total++
			}
		}
	}
	if total == 0 {
		return nil
	}
	out := make([]Procedure, 0, total)
	for _, b := range buckets {
		for _, e := range b {
			out = append(out, c.procs[ix.entries[e].at])
		}
	}
	return out
}

// nameRank ranks a name (its word ids) against the query spans; numRanks
// if some query word starts no word of the name.
func nameRank(ids []int32, q []span) int {
	last := len(q) - 1
	phraseAt := func(j int) bool {
		for i := 0; i < last; i++ {
			if ids[j+i] != q[i].exact {
				return false
			}
		}
		return q[last].has(ids[j+last])
	}
	if len(ids) == len(q) && phraseAt(0) && ids[last] == q[last].exact {
		return rankExact
	}
	for j := 0; j+last < len(ids); j++ {
		if phraseAt(j) {
			if j == 0 {
				return rankPrefix
			}
			return rankPhrase
		}
	}
	for _, s := range q {
		if !slices.ContainsFunc(ids, s.has) {
			return numRanks
		}
	}
	return rankWords
}

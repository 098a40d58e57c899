package procedure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/motcua/motcua/sla"
)

// The catalogue file, as documented in doc.go. Reading decodes nested
// objects one at a time so that an error can name the exact element, such
// as "steps[2].duration"; writing uses the plain structs.
type (
	fileIn struct {
		Sources    []sourceJSON      `json:"sources"`
		Procedures []json.RawMessage `json:"procedures"`
	}
	fileOut struct {
		Sources    []sourceJSON    `json:"sources,omitempty"`
		Procedures []procedureJSON `json:"procedures"`
	}
	sourceJSON struct {
		Title string `json:"title"`
		URL   string `json:"url,omitempty"`
		Note  string `json:"note,omitempty"`
	}
	procedureIn struct {
		Code           string            `json:"code"`
		Name           string            `json:"name"`
		Field          json.RawMessage   `json:"field"`
		Level          string            `json:"level"`
		Agency         string            `json:"agency"`
		Duration       string            `json:"duration"`
		DirectDuration string            `json:"directDuration"`
		OnlineDuration string            `json:"onlineDuration"`
		PostalDuration string            `json:"postalDuration"`
		Supplement     string            `json:"supplement"`
		Channels       []string          `json:"channels"`
		OnlineLevel    string            `json:"onlineLevel"`
		OnTheSpot      bool              `json:"onTheSpot"`
		Fees           []json.RawMessage `json:"fees"`
		Documents      []json.RawMessage `json:"documents"`
		Steps          []json.RawMessage `json:"steps"`
		LegalBasis     []string          `json:"legalBasis"`
		EffectiveFrom  string            `json:"effectiveFrom"`
		EffectiveTo    string            `json:"effectiveTo"`
	}
	procedureJSON struct {
		Code           string         `json:"code"`
		Name           string         `json:"name"`
		Field          fieldJSON      `json:"field"`
		Level          string         `json:"level"`
		Agency         string         `json:"agency,omitempty"`
		Duration       string         `json:"duration"`
		DirectDuration string         `json:"directDuration,omitempty"`
		OnlineDuration string         `json:"onlineDuration,omitempty"`
		PostalDuration string         `json:"postalDuration,omitempty"`
		Supplement     string         `json:"supplement,omitempty"`
		Channels       []string       `json:"channels"`
		OnlineLevel    string         `json:"onlineLevel,omitempty"`
		OnTheSpot      bool           `json:"onTheSpot,omitempty"`
		Fees           []feeJSON      `json:"fees,omitempty"`
		Documents      []documentJSON `json:"documents,omitempty"`
		Steps          []stepJSON     `json:"steps,omitempty"`
		LegalBasis     []string       `json:"legalBasis,omitempty"`
		EffectiveFrom  string         `json:"effectiveFrom,omitempty"`
		EffectiveTo    string         `json:"effectiveTo,omitempty"`
	}
	fieldJSON struct {
		Code string `json:"code,omitempty"`
		Name string `json:"name"`
	}
	feeJSON struct {
		Name      string `json:"name"`
		Amount    int64  `json:"amount"`
		Collected string `json:"collected,omitempty"`
		Channel   string `json:"channel,omitempty"`
		Note      string `json:"note,omitempty"`
	}
	documentJSON struct {
		Name      string `json:"name"`
		Originals int    `json:"originals,omitempty"`
		Copies    int    `json:"copies,omitempty"`
		Mandatory bool   `json:"mandatory,omitempty"`
	}
	stepJSON struct {
		Name        string `json:"name"`
		Responsible string `json:"responsible,omitempty"`
		Duration    string `json:"duration"`
	}
)

// Load reads a catalogue file (see the package documentation for the
// format) and builds its Catalog with the rules of NewCatalog. A file that
// is not JSON, has an unknown field, a value of the wrong type, an unknown
// name for a channel, level or online level, a processing time that does
// not read as published text, or a procedure that fails validation loads
// nothing: the error joins a *ValidationError for each problem, naming the
// procedure (its position and code) and the field. An error reading r is
// returned as it is.
func Load(r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("procedure: reading the catalogue: %w", err)
	}
	// Decoding dominates loading, so the procedures are cut apart and
	// decoded in parallel. Any problem sends the file to the slow path,
	// which reads it one procedure at a time to name the procedure and the
	// field at fault.
	rawSources, rawProcs, ok := splitCatalog(data)
	if !ok {
		return loadSlowly(data)
	}
	var file fileOut
	if rawSources != nil {
		if err := strictDecode(rawSources, &file.Sources); err != nil {
			return loadSlowly(data)
		}
	}
	sources, errs := readSources(file.Sources)
	// Procedures are independent until versions are compared, so they are
	// decoded, converted, validated and prepared for search in parallel,
	// each goroutine taking one run of the list.
	n := len(rawProcs)
	ps := make([]Procedure, n)
	texts := make([]searchText, n)
	perrs := make([][]error, n)
	var undecodable atomic.Bool
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(1, n/64))
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		if lo == hi {
			continue
		}
		wg.Go(func() {
			var js []procedureJSON
			if err := strictDecode(run(data, rawProcs[lo], rawProcs[hi-1]), &js); err != nil || len(js) != hi-lo {
				undecodable.Store(true)
				return
			}
			rd := reader{durations: make(map[string]durationResult)}
			m := newTextMaker()
			for k, j := range js {
				i := lo + k
				p, errs := rd.convert(j)
				for _, e := range errs {
					e.Index, e.Code = i, p.Code
					perrs[i] = append(perrs[i], e)
				}
				if len(errs) == 0 {
					normalizeOwned(&p)
					if err := p.validate(false); err != nil {
						perrs[i] = append(perrs[i], atIndex(err, i))
					} else {
						texts[i] = m.text(p)
					}
				}
				ps[i] = p
			}
		})
	}
	wg.Wait()
	if undecodable.Load() {
		return loadSlowly(data)
	}
	for _, e := range perrs {
		errs = append(errs, e...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return assemble(ps, texts, sources)
}

// run returns the elements of a JSON array from first to last, which are
// slices of data, as a JSON array of their own.
func run(data, first, last []byte) []byte {
	start := cap(data) - cap(first)
	end := cap(data) - cap(last) + len(last)
	out := make([]byte, 0, end-start+2)
	out = append(out, '[')
	out = append(out, data[start:end]...)
	return append(out, ']')
}

// readSources converts the file's sources, each of which needs a title.
func readSources(in []sourceJSON) ([]Source, []error) {
	var errs []error
	sources := make([]Source, len(in))
	for i, s := range in {
		sources[i] = Source(s)
		if strings.TrimSpace(s.Title) == "" {
			errs = append(errs, &ValidationError{Index: -1, Field: fmt.Sprintf("sources[%d].title", i), Reason: "a source needs a title"})
		}
	}
	return sources, errs
}

// loadSlowly reads a file that the fast path could not cut apart or decode,
// procedure by procedure, to report every problem with the procedure and
// field it is in. A file the fast path merely did not expect, such as one
// with escaped keys, loads here.
func loadSlowly(data []byte) (*Catalog, error) {
	var file fileIn
	if err := strictDecode(data, &file); err != nil {
		return nil, fileError(data, err)
	}
	sources, errs := readSources(file.Sources)
	rd := reader{durations: make(map[string]durationResult)}
	ps := make([]Procedure, len(file.Procedures))
	for i, raw := range file.Procedures {
		p, perrs := rd.procedure(raw)
		for _, e := range perrs {
			e.Index, e.Code = i, p.Code
			errs = append(errs, e)
		}
		if len(perrs) == 0 {
			normalizeOwned(&p)
			if err := p.validate(false); err != nil {
				errs = append(errs, atIndex(err, i))
			}
		}
		ps[i] = p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return assemble(ps, nil, sources)
}

// strictDecode decodes one JSON value from data into v, rejecting unknown
// fields and anything after the value.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("text after the end of the JSON value")
	}
	return nil
}

// fileError explains why the file as a whole does not decode, naming the
// procedure the problem is in when it can be found.
func fileError(data []byte, err error) error {
	ve := &ValidationError{Index: -1, Err: err}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the offending one included.
		line, col := position(data, se.Offset-1)
		ve.Reason = fmt.Sprintf("malformed JSON at line %d, column %d: %s", line, col, se.Error())
		ve.Index, ve.Code = locate(data, se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		ve.Reason = "malformed JSON: the file ends in the middle of a value"
		ve.Index, ve.Code = locate(data, int64(len(data)))
	default:
		ve.Field, ve.Reason = describe(err)
	}
	return ve
}

// position turns a byte offset into a line and column, from 1.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

var codeField = regexp.MustCompile(`"code"\s*:\s*"([^"\\]{0,40})"`)

// locate finds which element of "procedures" holds the byte offset off,
// and the code written in it before that point, if any; -1 and "" when the
// offset is outside the procedures.
func locate(data []byte, off int64) (int, string) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return -1, ""
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return -1, ""
		}
		if key != "procedures" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return -1, ""
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return -1, ""
		}
		for i := 0; ; i++ {
			start := dec.InputOffset()
			if start > off {
				return -1, ""
			}
			var raw json.RawMessage
			if !dec.More() || dec.Decode(&raw) != nil {
				end := min(max(off, start), int64(len(data)))
				code := ""
				if m := codeField.FindSubmatch(data[start:end]); m != nil {
					code = string(m[1])
				}
				return i, code
			}
		}
	}
	return -1, ""
}

// describe turns a decoding error into a field path and a reason.
func describe(err error) (field, reason string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field, fmt.Sprintf("want %s, not a JSON %s", jsonKind(te.Type.String()), te.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return strings.Trim(name, `"`), "unknown field"
	}
	return "", err.Error()
}

func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	}
	return "an object"
}

// A reader converts the decoded procedures, caching the processing times it
// has read: a catalogue repeats a handful of them thousands of times.
type reader struct {
	durations map[string]durationResult
}

type durationResult struct {
	d   sla.Duration
	err error
}

func (r *reader) duration(s string) (sla.Duration, error) {
	if res, ok := r.durations[s]; ok {
		return res.d, res.err
	}
	d, err := sla.ParseDuration(s)
	r.durations[s] = durationResult{d, err}
	return d, err
}

// procedure converts one element of "procedures". It returns what it could
// read, to name the code in errors, and every problem it found, with Field
// set and Index and Code left to the caller.
func (r *reader) procedure(raw json.RawMessage) (Procedure, []*ValidationError) {
	var j procedureJSON
	if err := strictDecode(raw, &j); err != nil {
		return decodeFailure(raw, err)
	}
	return r.convert(j)
}

// decodeFailure explains why raw does not decode as a procedure. The fast
// decoding above cannot say which element of a list failed, so this decodes
// the nested objects one at a time to name it, such as "steps[2].role".
func decodeFailure(raw json.RawMessage, err error) (Procedure, []*ValidationError) {
	var lenient struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(raw, &lenient)
	p := Procedure{Code: lenient.Code}
	fail := func(path string, err error) (Procedure, []*ValidationError) {
		sub, reason := describe(err)
		return p, []*ValidationError{{Field: join(path, sub), Reason: reason, Err: err}}
	}
	var in procedureIn
	if err := strictDecode(raw, &in); err != nil {
		return fail("", err)
	}
	if len(in.Field) > 0 {
		if err := strictDecode(in.Field, new(fieldJSON)); err != nil {
			return fail("field", err)
		}
	}
	for _, list := range []struct {
		name  string
		items []json.RawMessage
		v     func() any
	}{
		{"fees", in.Fees, func() any { return new(feeJSON) }},
		{"documents", in.Documents, func() any { return new(documentJSON) }},
		{"steps", in.Steps, func() any { return new(stepJSON) }},
	} {
		for i, item := range list.items {
			if err := strictDecode(item, list.v()); err != nil {
				return fail(fmt.Sprintf("%s[%d]", list.name, i), err)
			}
		}
	}
	return fail("", err)
}

// convert reads the texts of a decoded procedure: names of channels,
// levels and regimes, processing times and dates.
func (r *reader) convert(in procedureJSON) (Procedure, []*ValidationError) {
	var errs []*ValidationError
	bad := func(field, reason string, cause error) {
		errs = append(errs, &ValidationError{Field: field, Reason: reason, Err: cause})
	}
	p := Procedure{
		Code:       in.Code,
		Name:       in.Name,
		Field:      Field{Code: in.Field.Code, Name: in.Field.Name},
		Agency:     in.Agency,
		OnTheSpot:  in.OnTheSpot,
		LegalBasis: in.LegalBasis,
	}
	if in.Level == "" {
		bad("level", "missing; want province, district or commune", nil)
	} else if err := p.Level.UnmarshalText([]byte(in.Level)); err != nil {
		bad("level", fmt.Sprintf("%q is not a level; want province, district or commune", in.Level), nil)
	}
	if in.Duration == "" {
		bad("duration", `the processing time is missing; write it as published, such as "15 ngày làm việc"`, nil)
	} else if d, err := r.duration(in.Duration); err != nil {
		bad("duration", "the processing time is "+reasonOf(err), err)
	} else {
		p.Duration = d
	}
	for _, own := range []struct {
		ch   Channel
		text string
		to   *sla.Duration
	}{{Direct, in.DirectDuration, &p.DirectDuration}, {Online, in.OnlineDuration, &p.OnlineDuration}, {Postal, in.PostalDuration, &p.PostalDuration}} {
		if own.text == "" {
			continue
		}
		if d, err := r.duration(own.text); err != nil {
			bad(durationField(own.ch), "the "+channelNames[own.ch].text+" processing time is "+reasonOf(err), err)
		} else {
			*own.to = d
		}
	}
	if in.Supplement != "" {
		if err := p.Supplement.UnmarshalText([]byte(in.Supplement)); err != nil {
			bad("supplement", fmt.Sprintf("%q is not a supplement regime; want pause or restart", in.Supplement), nil)
		}
	}
	if len(in.Channels) > 0 {
		p.Channels = make([]Channel, 0, len(in.Channels))
	}
	for i, s := range in.Channels {
		var ch Channel
		if err := ch.UnmarshalText([]byte(s)); err != nil {
			bad(fmt.Sprintf("channels[%d]", i), fmt.Sprintf("%q is not a channel; want direct, online or postal", s), nil)
			continue
		}
		p.Channels = append(p.Channels, ch)
	}
	if in.OnlineLevel != "" {
		if err := p.OnlineLevel.UnmarshalText([]byte(in.OnlineLevel)); err != nil {
			bad("onlineLevel", fmt.Sprintf("%q is not an online level; want none, partial or full", in.OnlineLevel), nil)
		}
	}
	if len(in.Fees) > 0 {
		p.Fees = make([]Fee, len(in.Fees))
	}
	for i, f := range in.Fees {
		fee := Fee{Name: f.Name, Amount: f.Amount, Note: f.Note}
		if f.Collected != "" {
			if err := fee.Collected.UnmarshalText([]byte(f.Collected)); err != nil {
				bad(fmt.Sprintf("fees[%d].collected", i), fmt.Sprintf("%q is not a time of collection; want receipt or return", f.Collected), nil)
			}
		}
		if f.Channel != "" {
			if err := fee.Channel.UnmarshalText([]byte(f.Channel)); err != nil {
				bad(fmt.Sprintf("fees[%d].channel", i), fmt.Sprintf("%q is not a channel; want direct, online or postal", f.Channel), nil)
			}
		}
		p.Fees[i] = fee
	}
	if len(in.Documents) > 0 {
		p.Documents = make([]Document, len(in.Documents))
	}
	for i, d := range in.Documents {
		p.Documents[i] = Document(d)
	}
	if len(in.Steps) > 0 {
		p.Steps = make([]Step, len(in.Steps))
	}
	for i, s := range in.Steps {
		step := Step{Name: s.Name, Responsible: s.Responsible}
		if s.Duration == "" {
			bad(fmt.Sprintf("steps[%d].duration", i), "the step's time is missing", nil)
		} else if d, err := r.duration(s.Duration); err != nil {
			bad(fmt.Sprintf("steps[%d].duration", i), "the step's time is "+reasonOf(err), err)
		} else {
			step.Duration = d
		}
		p.Steps[i] = step
	}
	for _, d := range []struct {
		field, text string
		to          *sla.Date
	}{{"effectiveFrom", in.EffectiveFrom, &p.EffectiveFrom}, {"effectiveTo", in.EffectiveTo, &p.EffectiveTo}} {
		if d.text == "" {
			continue
		}
		v, err := sla.ParseDate(d.text)
		if err != nil || !v.Valid() {
			bad(d.field, fmt.Sprintf("%q is not a date written 2006-01-02", d.text), err)
			continue
		}
		*d.to = v
	}
	return p, errs
}

// durationField is the JSON field of the limit a procedure publishes for ch
// alone: "directDuration", "onlineDuration" or "postalDuration".
func durationField(ch Channel) string { return channelNames[ch].text + "Duration" }

// ownText writes a channel's own limit, or nothing when it has none.
func ownText(d sla.Duration) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// join appends a sub-path to a path: "steps[1]" and "name" give
// "steps[1].name".
func join(path, sub string) string {
	switch {
	case sub == "":
		return path
	case path == "":
		return sub
	}
	return path + "." + sub
}

// WriteJSON writes the catalogue in the format Load reads, procedures by
// code and then by effective date, indented, with processing times as the
// published Vietnamese text. Loading what it writes gives an equal
// catalogue, and writing that again gives the same bytes.
func (c *Catalog) WriteJSON(w io.Writer) error {
	out := fileOut{Procedures: make([]procedureJSON, len(c.procs))}
	for _, s := range c.sources {
		out.Sources = append(out.Sources, sourceJSON(s))
	}
	for i, p := range c.procs {
		out.Procedures[i] = toJSON(p)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("procedure: writing the catalogue: %w", err)
	}
	return nil
}

func toJSON(p Procedure) procedureJSON {
	text := func(m interface{ MarshalText() ([]byte, error) }) string {
		b, _ := m.MarshalText()
		return string(b)
	}
	j := procedureJSON{
		Code:       p.Code,
		Name:       p.Name,
		Field:      fieldJSON{Code: p.Field.Code, Name: p.Field.Name},
		Level:      text(p.Level),
		Agency:     p.Agency,
		Duration:   p.Duration.String(),
		OnTheSpot:  p.OnTheSpot,
		LegalBasis: p.LegalBasis,
	}
	j.DirectDuration, j.OnlineDuration, j.PostalDuration = ownText(p.DirectDuration), ownText(p.OnlineDuration), ownText(p.PostalDuration)
	if p.Supplement != PauseClock {
		j.Supplement = text(p.Supplement)
	}
	if p.OnlineLevel != NotOnline {
		j.OnlineLevel = text(p.OnlineLevel)
	}
	for _, ch := range p.Channels {
		j.Channels = append(j.Channels, text(ch))
	}
	for _, f := range p.Fees {
		fj := feeJSON{Name: f.Name, Amount: f.Amount, Note: f.Note}
		if f.Collected != AtReceipt {
			fj.Collected = text(f.Collected)
		}
		if f.Channel != 0 {
			fj.Channel = text(f.Channel)
		}
		j.Fees = append(j.Fees, fj)
	}
	for _, d := range p.Documents {
		j.Documents = append(j.Documents, documentJSON(d))
	}
	for _, s := range p.Steps {
		j.Steps = append(j.Steps, stepJSON{Name: s.Name, Responsible: s.Responsible, Duration: s.Duration.String()})
	}
	if !p.EffectiveFrom.IsZero() {
		j.EffectiveFrom = p.EffectiveFrom.String()
	}
	if !p.EffectiveTo.IsZero() {
		j.EffectiveTo = p.EffectiveTo.String()
	}
	return j
}

package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// HTTPConfig configures an HTTPSender.
type HTTPConfig struct {
	// URL is where batches are posted, an http or https URL. Required.
	URL string
	// Token is the bearer token the portal (or the province's integration
	// platform) issued. Required. It is sent in the Authorization header
	// only, and never appears in an error or in the sender's String.
	Token string
	// Client makes the requests. Defaults to http.DefaultClient; each
	// request is bounded by the context the Syncer gives Send.
	Client *http.Client
}

// An HTTPSender posts each batch as JSON to a URL, with a bearer token: the
// body is the batch, an array of Change objects ({"Key", "Code", "Event",
// "Record"}, the record with the portal's field names). Any 2xx status
// means the portal took the whole batch; any other status is a
// *StatusError. The transport of the real portal differs by province (an
// integration platform, a token endpoint, a record per call); a Sender of
// one's own covers it, and HTTPSender is the plain case. It is safe for
// concurrent use.
type HTTPSender struct {
	url    string
	shown  string // url without its password or query
	token  string
	client *http.Client
}

// NewHTTPSender checks cfg and returns its sender.
func NewHTTPSender(cfg HTTPConfig) (*HTTPSender, error) {
	u, err := url.Parse(cfg.URL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, fmt.Errorf("portal: HTTPConfig.URL %q is not an http or https URL", cfg.URL)
	case cfg.Token == "":
		return nil, errors.New("portal: HTTPConfig.Token is required")
	case strings.ContainsAny(cfg.Token, "\r\n"):
		return nil, errors.New("portal: HTTPConfig.Token contains a line break")
	}
	s := &HTTPSender{url: u.String(), token: cfg.Token, client: cfg.Client}
	u.RawQuery, u.Fragment = "", ""
	s.shown = u.Redacted()
	if s.client == nil {
		s.client = http.DefaultClient
	}
	return s, nil
}

// A StatusError is the portal's answer to a batch it did not take: a
// status other than 2xx, with the start of the body it sent.
type StatusError struct {
	StatusCode int
	Body       string // at most the first 512 bytes
}

// Error names the status and quotes the body.
func (e *StatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("portal: the portal answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("portal: the portal answered %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Body)
}

// Send implements Sender.
func (s *HTTPSender) Send(ctx context.Context, batch []Change) error {
	body, err := json.Marshal(batch)
	if err != nil {
		return fmt.Errorf("portal: writing the batch: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("portal: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.client.Do(req)
	if err != nil {
		// The URL's query may hold a key of its own: name it as String does.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			ue.URL = s.shown
		}
		return fmt.Errorf("portal: posting %d changes: %w", len(batch), err)
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	// Read a little more, so that the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &StatusError{StatusCode: resp.StatusCode, Body: strings.ToValidUTF8(strings.TrimSpace(string(head)), "")}
	}
	return nil
}

// String names the sender by its URL, without its query or password, and
// never its token.
func (s HTTPSender) String() string { return "portal.HTTPSender(" + s.shown + ")" }

// GoString is String, so that %#v shows no token either.
func (s HTTPSender) GoString() string { return s.String() }

package main

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQueryParameters: a parameter a route does not take, one given twice,
// or one that does not parse is a 400 that names it, on every route; a «;»
// no longer drops a filter silently.
func TestQueryParameters(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code, secret := d.receiveWithSecret(anIntake("Nguyễn Văn An"))

	tests := []struct {
		name, method, path, param string
	}{
		{"list unknown", "GET", "/api/v1/dossiers?stauts=resolved", "stauts"},
		{"list repeated", "GET", "/api/v1/dossiers?status=resolved&status=returned", "status"},
		{"list semicolon", "GET", "/api/v1/dossiers?status=resolved;x", "status"},
		{"list bad escape", "GET", "/api/v1/dossiers?from=2025-10-01&status=%zz", "status"},
		{"list bad escape in name", "GET", "/api/v1/dossiers?st%zzatus=1", "st%zzatus"},
		{"list empty name", "GET", "/api/v1/dossiers?=resolved", ""},
		{"report unknown", "GET", "/api/v1/reports/summary?form=text", "form"},
		{"report repeated", "GET", "/api/v1/reports/summary?from=2025-01-01&from=2025-06-01", "from"},
		{"procedures repeated", "GET", "/api/v1/procedures?q=a&q=b", "q"},
		{"procedure unknown", "GET", "/api/v1/procedures/1.001612?date=2025-10-06", "date"},
		{"due semicolon", "GET", "/api/v1/due?duration=3;received=2025-01-24", "duration"},
		{"dossier takes none", "GET", "/api/v1/dossiers/" + code + "?full=1", "full"},
		{"action takes none", "POST", "/api/v1/dossiers/" + code + "/resolve?force=1", "force"},
		{"public lookup takes the secret only", "GET", "/api/v1/public/dossiers/" + code + "?ma=1", "ma"},
		{"receipt takes none", "GET", "/dossiers/" + code + "/receipt?print=1", "print"},
		{"health takes none", "GET", "/healthz?verbose", "verbose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := requireProblem(t, d.officer(tt.method, tt.path, nil), http.StatusBadRequest)
			assert.Equal(t, "urn:motcua:problem:invalid-query", p["type"])
			assert.Contains(t, p["detail"], "«"+tt.param+"»")
		})
	}

	// The lookup page answers with the page.
	r := d.public("GET", "/tra-cuu?ma="+url.QueryEscape(code)+"&fbclid=x", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
	checkPage(t, r)
	assert.Contains(t, r.String(), "«fbclid»")

	// What a route takes still works, and nothing above changed the dossier.
	for _, path := range []string{
		"/api/v1/dossiers?status=received&from=2025-10-01&to=2025-10-31&procedure=1.001612&channel=direct&limit=5",
		"/api/v1/dossiers?&status=received&",
		"/api/v1/reports/summary?from=2025-10-01&to=2025-10-31&format=text",
		"/tra-cuu?ma=" + url.QueryEscape(code) + "&secret=" + secret + "&da-danh-gia=1",
		"/api/v1/procedures?q=" + url.QueryEscape("kết hôn"),
		"/api/v1/procedures/1.001612?at=2025-10-06",
	} {
		r := d.officer("GET", path, nil)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", path, r.body)
	}
	r = d.officer("GET", "/api/v1/dossiers/"+code, nil)
	assert.Equal(t, "received", r.json(t)["status"])
}

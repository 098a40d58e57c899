package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An action sent with the version the officer saw acts on it; a stale
// version is a 412 and changes nothing.
func TestIfMatch(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code := d.receive(anIntake("Nguyễn Văn An"))
	got := d.officer("GET", "/api/v1/dossiers/"+code, nil)
	require.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, `"1"`, got.header.Get("ETag"))

	transfer := map[string]string{"to": "Phòng Kinh tế"}
	r := d.request("POST", "/api/v1/dossiers/"+code+"/transfer", transfer, true, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, `"2"`, r.header.Get("ETag"))

	p := requireProblem(t, d.request("POST", "/api/v1/dossiers/"+code+"/resolve", nil, true, "If-Match", `"1"`), http.StatusPreconditionFailed)
	assert.Equal(t, "urn:motcua:problem:stale", p["type"])
	after := d.officer("GET", "/api/v1/dossiers/"+code, nil)
	assert.Equal(t, `"2"`, after.header.Get("ETag"), "the stale action changed nothing")

	requireProblem(t, d.request("POST", "/api/v1/dossiers/"+code+"/resolve", nil, true, "If-Match", "phiên bản 2"), http.StatusBadRequest)
	r = d.request("POST", "/api/v1/dossiers/"+code+"/resolve", nil, true, "If-Match", `W/"2"`)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

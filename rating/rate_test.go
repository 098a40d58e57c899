package rating_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// A citizen may rate a dossier once its result is ready, and only then.
func TestRateStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type svc = dossier.Service
	tests := []struct {
		name string
		to   func(s *svc, c dossier.Code) (*dossier.Dossier, error) // from received
		want error
	}{
		{"received", func(s *svc, c dossier.Code) (*dossier.Dossier, error) { return s.Get(ctx, c) }, rating.ErrNotReady},
		{"in progress", func(s *svc, c dossier.Code) (*dossier.Dossier, error) {
			return s.Transfer(ctx, c, "cb01", "Phòng Kinh tế")
		}, rating.ErrNotReady},
		{"awaiting supplement", func(s *svc, c dossier.Code) (*dossier.Dossier, error) {
			return s.RequestSupplement(ctx, c, "cb01", "thiếu bản sao giấy tờ tùy thân")
		}, rating.ErrNotReady},
		{"refused", func(s *svc, c dossier.Code) (*dossier.Dossier, error) {
			return s.Refuse(ctx, c, "cb01", "không thuộc thẩm quyền")
		}, rating.ErrNotReady},
		{"withdrawn", func(s *svc, c dossier.Code) (*dossier.Dossier, error) {
			return s.Withdraw(ctx, c, "cb01", "công dân xin rút")
		}, rating.ErrNotReady},
		{"stopped", func(s *svc, c dossier.Code) (*dossier.Dossier, error) {
			return s.Stop(ctx, c, "cb01", "công dân không bổ sung")
		}, rating.ErrNotReady},
		{"resolved", func(s *svc, c dossier.Code) (*dossier.Dossier, error) { return s.Resolve(ctx, c, "cb02") }, nil},
		{"returned", func(s *svc, c dossier.Code) (*dossier.Dossier, error) {
			if _, err := s.Resolve(ctx, c, "cb02"); err != nil {
				return nil, err
			}
			return s.Return(ctx, c, "cb01")
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDesk(t)
			x := d.receive(t, at(time.August, 4, 9, 0), procedure.Direct)
			d.now = at(time.August, 5, 9, 0)
			_, err := tt.to(d.svc, x.Code)
			require.NoError(t, err)
			r := rating.Rating{Dossier: x.Code, Level: rating.VerySatisfied, At: d.now}
			err = rating.Rate(ctx, d.svc, d.ratings, r)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, []rating.Rating{r}, listAll(t, d.ratings))
				return
			}
			assert.ErrorIs(t, err, tt.want)
			assert.Empty(t, listAll(t, d.ratings), "nothing stored")
		})
	}
}

// Rate refuses what is not a rating of a dossier it may take, before the
// store sees it, in the order it documents.
func TestRateRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	x := d.receive(t, at(time.August, 4, 9, 0), procedure.Direct)
	d.resolve(t, x, at(time.August, 5, 9, 0))
	open := d.receive(t, at(time.August, 5, 9, 30), procedure.Online)
	d.now = at(time.August, 5, 10, 0)
	unknown := dossier.Code{Agency: "000.00.01.H26", Date: sla.DateOf(d.now), Seq: 99}
	ok := rating.Rating{Dossier: x.Code, Level: rating.Satisfied, At: d.now}
	tests := []struct {
		name     string
		change   func(r *rating.Rating)
		dossiers rating.Dossiers
		want     error
	}{
		{"unknown dossier", func(r *rating.Rating) { r.Dossier = unknown }, d.svc, dossier.ErrNotFound},
		{"invalid level of an unknown dossier", func(r *rating.Rating) { r.Dossier, r.Level = unknown, 0 }, d.svc, rating.ErrInvalid},
		{"invalid level of a dossier not ready", func(r *rating.Rating) { r.Dossier, r.Level = open.Code, 4 }, d.svc, rating.ErrInvalid},
		{"invalid code", func(r *rating.Rating) { r.Dossier.Seq = 0 }, d.svc, rating.ErrInvalid},
		{"no time", func(r *rating.Rating) { r.At = time.Time{} }, d.svc, rating.ErrInvalid},
		{"in the future, by the store's clock", func(r *rating.Rating) { r.At = d.now.Add(time.Hour) }, d.svc, rating.ErrInvalid},
		{"not ready", func(r *rating.Rating) { r.Dossier = open.Code }, d.svc, rating.ErrNotReady},
		{"the dossiers cannot be read", func(r *rating.Rating) {}, failingGet{}, errNetwork},
	}
	for _, tt := range tests {
		r := ok
		tt.change(&r)
		err := rating.Rate(ctx, tt.dossiers, d.ratings, r)
		assert.ErrorIs(t, err, tt.want, tt.name)
	}
	assert.Empty(t, listAll(t, d.ratings), "nothing stored")

	require.NoError(t, rating.Rate(ctx, d.svc, d.ratings, ok))
	second := ok
	second.Level = rating.Unsatisfied
	assert.ErrorIs(t, rating.Rate(ctx, d.svc, d.ratings, second), rating.ErrDuplicate)
	kiosk := rating.Rating{Level: rating.VerySatisfied, At: d.now}
	require.NoError(t, rating.Rate(ctx, failingGet{}, d.ratings, kiosk), "a kiosk rating names no dossier to look up")
	assert.Equal(t, []rating.Rating{ok, kiosk}, listAll(t, d.ratings))
}

// failingGet is a dossier store that cannot be read.
type failingGet struct{}

func (failingGet) Get(context.Context, dossier.Code) (*dossier.Dossier, error) {
	return nil, errNetwork
}

func listAll(t *testing.T, s rating.Store) []rating.Rating {
	t.Helper()
	var out []rating.Rating
	for r, err := range s.List(context.Background(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

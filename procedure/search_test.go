package procedure_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/procedure"
)

// searchCatalog holds names chosen to exercise every rank and the
// collation order; the codes have the right shape but are not all real.
func searchCatalog(t *testing.T) *procedure.Catalog {
	t.Helper()
	names := map[string]string{
		"1.000894":     "Thủ tục đăng ký kết hôn",
		"2.000806":     "Thủ tục đăng ký kết hôn có yếu tố nước ngoài",
		"1.999001":     "Đăng ký kết hôn",
		"1.000593":     "Đăng ký kết hôn lưu động",
		"1.999002":     "Đăng ký lại việc kết hôn",
		"1.004873":     "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
		"1.999003":     "Bổ sung hồ sơ",
		"1.999004":     "Ấn định hồ sơ",
		"1.999005":     "Đóng hồ sơ",
		"1.999006":     "Duyệt hồ sơ",
		"1.000948.H38": "Thủ tục chứng thực chữ ký",
	}
	var ps []procedure.Procedure
	for code, name := range names {
		p := birth()
		p.Code, p.Name = code, name
		ps = append(ps, p)
	}
	cat, err := procedure.NewCatalog(ps...)
	require.NoError(t, err)
	return cat
}

func names(ps []procedure.Procedure) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

var searchTests = []struct {
	name  string
	query string
	want  []string
}{
	{"ranked: exact, prefix, phrase, words", "dang ky ket hon", []string{
		"Đăng ký kết hôn",
		"Đăng ký kết hôn lưu động",
		"Thủ tục đăng ký kết hôn",
		"Thủ tục đăng ký kết hôn có yếu tố nước ngoài",
		"Đăng ký lại việc kết hôn",
	}},
	{"upper case with marks", "ĐĂNG KÝ KẾT HÔN", nil}, // same as the first case
	{"lower case with marks", "đăng ký kết hôn", nil},
	{"extra spaces and mixed case", "  Dang   KY ket HON ", nil},
	{"decomposed marks", "đa\u0306ng ky\u0301 kê\u0301t hôn", nil},
	{"word prefixes", "dang k ket h", []string{
		"Đăng ký kết hôn",
		"Đăng ký kết hôn lưu động",
		"Đăng ký lại việc kết hôn",
		"Thủ tục đăng ký kết hôn",
		"Thủ tục đăng ký kết hôn có yếu tố nước ngoài",
	}},
	{"a phrase ending in a prefix, all inside the names", "ket ho", []string{
		"Đăng ký kết hôn",
		"Đăng ký kết hôn lưu động",
		"Đăng ký lại việc kết hôn",
		"Thủ tục đăng ký kết hôn",
		"Thủ tục đăng ký kết hôn có yếu tố nước ngoài",
	}},
	{"đ counts as d", "dong ho so", []string{"Đóng hồ sơ"}},
	{"no initials", "dk kh", nil},
	{"Vietnamese collation within a rank", "ho so", []string{
		"Ấn định hồ sơ", "Bổ sung hồ sơ", "Duyệt hồ sơ", "Đóng hồ sơ",
	}},
	{"exact code", "1.000894", []string{"Thủ tục đăng ký kết hôn"}},
	{"code prefix, d before đ", "1.99900", []string{
		"Ấn định hồ sơ", "Bổ sung hồ sơ", "Duyệt hồ sơ", "Đăng ký kết hôn", "Đăng ký lại việc kết hôn", "Đóng hồ sơ",
	}},
	{"provincial suffix in any case", "1.000948.h38", []string{"Thủ tục chứng thực chữ ký"}},
	{"words anywhere", "hon nhan xac nhan", []string{"Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"}},
	{"nothing matches", "giấy phép xây dựng", nil},
	{"no letters", " ,.- ", nil},
	{"empty", "", nil},
}

func TestSearch(t *testing.T) {
	t.Parallel()
	cat := searchCatalog(t)
	first := names(cat.Search(searchTests[0].query))
	for i, tt := range searchTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := tt.want
			if want == nil && i >= 1 && i <= 4 {
				want = first // the spellings of the first query find the same
			}
			got := cat.Search(tt.query)
			if want == nil {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, want, names(got))
		})
	}
}

func TestSearchShowsTheNewestVersion(t *testing.T) {
	t.Parallel()
	cat, err := procedure.NewCatalog(versions()...)
	require.NoError(t, err)
	got := cat.Search("khai sinh")
	require.Len(t, got, 1, "one result per code")
	assert.Equal(t, "2027-01-01", got[0].EffectiveFrom.String())
}

func TestSearchShippedCatalogue(t *testing.T) {
	t.Parallel()
	cat := procedure.Sample()
	tests := []struct {
		query, first string
	}{
		{"dang ky ket hon", "1.000894"},
		{"ĐĂNG KÝ KHAI SINH", "1.001193"},
		{"chứng thực bản sao", "2.000815"},
		{"giay phep xay dung", "1.013225"}, // Cấp… sorts before Gia hạn… within a rank
		{"tạm trú", "1.004194"},
		{"trợ cấp xã hội", "1.001776"},
		{"2.001610", "2.001610"},
	}
	for _, tt := range tests {
		got := cat.Search(tt.query)
		require.NotEmpty(t, got, tt.query)
		assert.Equal(t, tt.first, got[0].Code, tt.query)
	}
}

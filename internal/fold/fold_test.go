package fold

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// String agrees with the textbook x/text pipeline (decompose, drop marks,
// lower case) on every Latin letter up to U+2000, which covers all that Vietnamese uses.
func TestStringAgreesWithTransform(t *testing.T) {
	t.Parallel()
	pipeline := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(unicode.ToLower), norm.NFC)
	for r := rune(0x20); r < 0x2000; r++ {
		if !unicode.Is(unicode.Latin, r) || r == 'đ' || r == 'Đ' {
			continue
		}
		want, _, err := transform.String(pipeline, string(r))
		if err != nil || strings.ContainsFunc(want, unicode.IsSpace) {
			continue
		}
		assert.Equal(t, want, String(string(r)), "%U %c", r, r)
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"lower with marks", "đăng ký kết hôn", "dang ky ket hon"},
		{"upper with marks", "ĐĂNG KÝ KẾT HÔN", "dang ky ket hon"},
		{"already plain", "dang ky ket hon", "dang ky ket hon"},
		{"decomposed input", "đa\u0306ng ky\u0301", "dang ky"},
		{"white space", "  15\tngày   làm việc ", "15 ngay lam viec"},
		{"all vowels", "ắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ", "aaaaaaaaaaeeeeeeeeeeiiiiiooooooooooooooouuuuuuuuuuyyyyy"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, String(tt.in), tt.name)
	}
}

func FuzzString(f *testing.F) {
	f.Add("Đăng ký kết hôn")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		got := String(s)
		assert.Equal(t, got, String(got), "folding twice changes nothing")
	})
}

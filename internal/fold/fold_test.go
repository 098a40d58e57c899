package fold

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

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

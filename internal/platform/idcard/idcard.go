// Package idcard validates and normalises 公民身份号码 (GB 11643-1999).
package idcard

import (
	"errors"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"
)

var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// Errors name what is wrong, in Chinese, for the user.
var (
	ErrLength   = errors.New("公民身份号码应为 18 位（或旧式 15 位）")
	ErrChars    = errors.New("公民身份号码只能包含数字，最后一位可以是 X")
	ErrBirth    = errors.New("公民身份号码中的出生日期无效")
	ErrChecksum = errors.New("公民身份号码校验位错误，请核对号码")
	ErrNumber   = errors.New("公民身份号码被 Excel 转成了数字（科学计数法，后几位已丢失）；请把该列设置为“文本”格式后重新填写")
)

// Normalize validates an ID number and returns its 18-digit form: spaces
// of every width removed, full-width digits and Ｘ narrowed, lowercase x
// upper-cased, 15-digit legacy numbers upgraded (19 inserted before the
// year, check digit computed).
func Normalize(s string) (string, error) {
	s = strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, width.Narrow.String(s)))
	if strings.Contains(s, "E+") || strings.Contains(s, ".") && strings.Contains(s, "E") {
		return "", ErrNumber
	}
	switch len(s) {
	case 15:
		for _, c := range s {
			if c < '0' || c > '9' {
				return "", ErrChars
			}
		}
		s17 := s[:6] + "19" + s[6:]
		if _, err := time.Parse("20060102", s17[6:14]); err != nil {
			return "", ErrBirth
		}
		return s17 + string(checkDigit(s17)), nil
	case 18:
		for i, c := range s {
			if (c < '0' || c > '9') && !(i == 17 && c == 'X') {
				return "", ErrChars
			}
		}
		if _, err := time.Parse("20060102", s[6:14]); err != nil {
			return "", ErrBirth
		}
		if checkDigit(s[:17]) != s[17] {
			return "", ErrChecksum
		}
		return s, nil
	}
	return "", ErrLength
}

func checkDigit(s17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s17[i]-'0') * weights[i]
	}
	return checkChars[sum%11]
}

// WithCheckDigit completes 17 digits with their check digit (for generators).
func WithCheckDigit(s17 string) string { return s17 + string(checkDigit(s17)) }

// Birth returns the birth date (YYYY-MM-DD) in a normalised number.
func Birth(id string) string { return id[6:10] + "-" + id[10:12] + "-" + id[12:14] }

// Gender returns 男 or 女 from the sequence digit of a normalised number.
func Gender(id string) string {
	if (id[16]-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

// Mask shows the first 4 and last 4 characters only.
func Mask(id string) string {
	if len(id) < 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", len(id)-8) + id[len(id)-4:]
}

package synth

import "fmt"

// GB 11643 resident ID numbers: a 6-digit address code, the birth date as YYYYMMDD, a
// 3-digit sequence (odd for men, even for women) and a check character.

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckChar is the GB 11643 check character of the first 17 digits.
func IDCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("want 17 digits, have %d characters", len(first17))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("character %d is not a digit", i+1)
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11], nil
}

// idNumber builds a valid ID number; birth is YYYYMMDD, seq 0–999.
func idNumber(addr string, birth string, seq int) string {
	first := fmt.Sprintf("%s%s%03d", addr, birth, seq)
	c, err := IDCheckChar(first)
	if err != nil {
		panic("synth: " + err.Error()) // addr and birth come from this package
	}
	return first + string(c)
}

package training

// SetNewCode replaces the verification code generator for a test and
// returns a function that puts the real one back.
func SetNewCode(f func() string) (restore func()) {
	old := newCode
	newCode = f
	return func() { newCode = old }
}

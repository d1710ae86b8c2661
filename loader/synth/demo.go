package synth

// WriteDemo writes the demo county to dir.
func WriteDemo(dir string) ([]FileStat, error) {
	b, err := createBundle(dir)
	if err != nil {
		return nil, err
	}
	return b.close()
}

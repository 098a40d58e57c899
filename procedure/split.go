package procedure

// splitCatalog finds, without decoding them, the value of "sources" and
// each element of "procedures" in a catalogue file, so that the procedures
// can be decoded in parallel. It checks only the structure it walks: false
// means the file is not a plain {"sources": […], "procedures": […]} object
// (or is malformed), and Load then decodes it the slow way, which explains
// the problem. Decoding each piece checks the rest.
func splitCatalog(data []byte) (sources []byte, procs [][]byte, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, nil, false
	}
	i = skipSpace(data, i+1)
	seen := map[string]bool{}
	for i < len(data) && data[i] != '}' {
		end, ok := skipString(data, i)
		if !ok {
			return nil, nil, false
		}
		key := string(data[i+1 : end-1])
		if seen[key] || (key != "sources" && key != "procedures") {
			return nil, nil, false
		}
		seen[key] = true
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, nil, false
		}
		i = skipSpace(data, i+1)
		start := i
		if key == "procedures" {
			if i >= len(data) || data[i] != '[' {
				return nil, nil, false
			}
			i = skipSpace(data, i+1)
			for i < len(data) && data[i] != ']' {
				end, ok := skipValue(data, i)
				if !ok {
					return nil, nil, false
				}
				procs = append(procs, data[i:end])
				i = skipSpace(data, end)
				if i < len(data) && data[i] == ',' {
					i = skipSpace(data, i+1)
					if i < len(data) && data[i] == ']' {
						return nil, nil, false // a trailing comma
					}
				}
			}
			if i >= len(data) {
				return nil, nil, false
			}
			i++
		} else {
			end, ok := skipValue(data, i)
			if !ok {
				return nil, nil, false
			}
			sources, i = data[start:end], end
		}
		i = skipSpace(data, i)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
			if i < len(data) && data[i] == '}' {
				return nil, nil, false
			}
		} else if i < len(data) && data[i] != '}' {
			return nil, nil, false
		}
	}
	if i >= len(data) || skipSpace(data, i+1) != len(data) {
		return nil, nil, false
	}
	return sources, procs, true
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the end of the string that starts at data[i].
func skipString(data []byte, i int) (int, bool) {
	if i >= len(data) || data[i] != '"' {
		return 0, false
	}
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return 0, false
}

// skipValue returns the end of the value that starts at data[i]: a string,
// an object or array with everything nested in it, or a literal.
func skipValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				end, ok := skipString(data, i)
				if !ok {
					return 0, false
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
		}
		return 0, false
	}
	start := i
	for i < len(data) && data[i] != ',' && data[i] != ']' && data[i] != '}' && skipSpace(data, i) == i {
		i++
	}
	return i, i > start
}

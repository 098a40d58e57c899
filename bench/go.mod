module github.com/motcua/motcua/bench

go 1.26.0

require github.com/motcua/motcua v0.0.0

require (
	github.com/rickar/cal/v2 v2.1.13
	golang.org/x/text v0.44.0 // indirect
)

replace github.com/motcua/motcua => ../

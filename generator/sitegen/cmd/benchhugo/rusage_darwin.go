package main

// maxrssUnit is the unit of ru_maxrss: macOS counts it in bytes.
const maxrssUnit = 1

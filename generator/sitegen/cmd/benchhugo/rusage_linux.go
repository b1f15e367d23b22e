package main

// maxrssUnit is the unit of ru_maxrss: Linux counts it in KiB.
const maxrssUnit = 1024

// Package mdext holds the goldmark extensions of snapdoc's Markdown, the
// syntax authors coming from GitHub, Docusaurus, VitePress or mdBook expect:
//
//   - [Callouts]: GitHub's "> [!NOTE]" blockquotes as notes with a title
//     and an icon;
//   - [HeadingIDs]: "## Title {#custom-id}", ids kept unique;
//   - [SafeHTML]: a small allow-list of raw HTML (details, kbd, img, ...),
//     sanitised with bluemonday; anything else is shown as text;
//   - [Fences]: the info string of an ordinary code fence (title="app.py",
//     {2,4-6}, showLineNumbers) and "<<< ./path" includes, read inside
//     the site's root only.
//
// Each is an AST transformer, and a renderer where the default one will
// not do; none post-processes HTML.
package mdext

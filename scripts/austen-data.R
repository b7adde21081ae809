# Builds datasets/austen/austen.tsv.gz (builtin:austen) from Debian's r-cran-janeaustenr:
# Jane Austen's six completed novels (public domain), one paragraph per row.
#
# A paragraph is a run of non-blank lines, joined with single spaces. Title pages, chapter and
# volume headings and other paragraphs of fewer than 10 words are dropped.
#
# Run once from the repository root: Rscript scripts/austen-data.R
library(janeaustenr)
books <- austen_books()
out <- list()
for (title in levels(books$book)) {
  lines <- trimws(as.character(books$text[books$book == title]))
  para <- cumsum(lines == "")
  keep <- lines != ""
  text <- tapply(lines[keep], para[keep], paste, collapse = " ")
  text <- gsub("[[:space:]]+", " ", text)
  text <- gsub("_", "", text, fixed = TRUE)  # Project Gutenberg's _italics_ markers
  words <- lengths(strsplit(text, " ", fixed = TRUE))
  text <- text[words >= 10 & !grepl("^(CHAPTER|VOLUME)\\b", text)]
  out[[title]] <- data.frame(book = title, text = unname(text), stringsAsFactors = FALSE)
}
all <- do.call(rbind, out)
con <- gzfile("datasets/austen/austen.tsv.gz", "wb", compression = 9)
write.table(all, con, sep = "\t", quote = FALSE, row.names = FALSE, col.names = TRUE, fileEncoding = "UTF-8")
close(con)
print(table(factor(all$book, levels = levels(books$book))))

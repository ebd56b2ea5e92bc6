-- The MIRIAM blocks, for both engines: plain pandoc runs this filter (render.py) and Quarto
-- runs it from _quarto.yml (`filters:`), so that the two make the same documents.
--   * ::: {.headline} and ::: {.colophon}, the cover, the back page, legends: styled blocks
--     in Typst (CSS does it in HTML); their Typst definitions are in miriam-header.typ;
--   * ::: {.keep}: content kept on one page in Typst (a table with its chart);
--   * ::: {.contents}: the PDF's table of contents after the cover.
-- Pandoc path only (Quarto does these itself, so the filter leaves them to it):
--   * ![caption](x.svg){fig-alt="..."}: the alt text becomes the image's alt (HTML) and
--     image(alt: ...) (Typst), so screen readers and tagged PDFs get it;
--   * ::: {.callout-warning title="..."}: a titled note box.

-- Quarto's Lua environment has a global `quarto`; plain pandoc's has not.
local IN_QUARTO = quarto ~= nil
local TOC_TITLE = nil

local function typst_string(s)
  s = s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', ' ')
  return '"' .. s .. '"'
end

local function typst_length(w)
  if w == nil then return nil end
  if w:match('%%$') then return w end
  return nil
end

function Image(img)
  local alt = img.attributes['fig-alt']
  if alt == nil or IN_QUARTO then return nil end
  img.attributes['fig-alt'] = nil
  if FORMAT:match('typst') then
    local args = typst_string(img.src) .. ', alt: ' .. typst_string(alt)
    local width = typst_length(img.attributes['width'])
    if width then args = args .. ', width: ' .. width end
    return pandoc.RawInline('typst', '#image(' .. args .. ')')
  end
  img.attributes['alt'] = alt
  return img
end

local BLUE = 'rgb("#0B4F7A")'
local GREY = 'rgb("#4D4D4D")'

local BOXES = {
  ['callout-warning'] = 'block(width: 100%, fill: rgb("#FFF4E0"), stroke: (left: 3pt + rgb("#E69F00")), inset: (x: 10pt, y: 8pt), radius: 2pt, breakable: false)',
  -- a headline sticks to the comment after it: never the last line of a page
  ['headline'] = 'block(width: 100%, above: 12pt, below: 8pt, breakable: false, sticky: true, text(size: 12pt, weight: "bold", fill: ' .. BLUE .. ')',
  ['legend'] = 'block(above: 4pt, below: 10pt, text(size: 8pt, fill: ' .. GREY .. ')',
  ['colophon'] = 'block(width: 100%, text(size: 8.5pt, fill: ' .. GREY .. ')',
  -- a chart with its headline: the chart sticks to what follows it. The table before the chart
  -- does not: heading, introduction and table stick together instead, and the whole chain
  -- (heading to headline) is often taller than the space left, when typst would drop it and
  -- leave the heading at the foot of the page
  ['keep'] = '[#show figure.where(kind: image): set block(sticky: true)',
  -- the cover: a full page (national report) or a band at the top of the first page (factsheet)
  ['cover'] = 'block(width: 100%, height: 100%, inset: (top: 1cm), breakable: false)',
  ['cover-band'] = 'block(width: 100%, inset: (bottom: 10pt), stroke: (bottom: 1.2pt + rgb("#0072B2")), below: 14pt, breakable: false)',
  ['cover-publisher'] = 'block(below: 14pt, text(size: 11pt, weight: "bold", fill: ' .. BLUE .. ')',
  ['cover-series'] = 'block(below: 6pt, text(size: 10pt, fill: ' .. GREY .. ')',
  ['cover-subtitle'] = 'block(above: 8pt, below: 1.2cm, text(size: 13pt, fill: ' .. GREY .. ')',
  ['cover-meta'] = 'block(below: 4pt, text(size: 10pt)',
  -- the back page: identity, how to cite, licence, editor, colophon, at the foot of its own page
  ['backpage'] = 'block(width: 100%, breakable: false, text(size: 8.5pt, fill: ' .. GREY .. ')',
  -- the same at the foot of a factsheet's last page (its own page only when it does not fit)
  ['backmatter'] = 'block(width: 100%, above: 1.5em, breakable: false, text(size: 8.5pt, fill: ' .. GREY .. ')',
}

-- opened before / after the box (a new page around the cover and the back page)
local BEFORE = { ['backpage'] = '#pagebreak(weak: true)\n#v(1fr)' }
local AFTER = { ['cover'] = '#pagebreak(weak: true)' }
-- the order matters: inner classes are matched on their own div
local ORDER = { 'cover', 'cover-band', 'cover-publisher', 'cover-series', 'cover-subtitle',
  'cover-meta', 'backpage', 'backmatter', 'callout-warning', 'headline', 'legend', 'colophon', 'keep' }

-- a table taller than a page may break across pages (typst keeps a table figure on one page
-- otherwise, and one taller than the page would run past the bottom margin). Only then: a
-- breakable figure may also break right under its caption, leaving heading and caption at the
-- foot of a page. Height is estimated in printed lines: a cell's text wraps at its column's
-- share of about 90 characters across the page (pandoc's relative widths, else equal shares);
-- a row is as tall as its tallest cell; a page holds about 40 table lines.
local LINE_CHARS, PAGE_LINES = 90, 40
local BREAKABLE = '#[#show figure: set block(breakable: true)'
local function row_lines(row, shares)
  local tallest = 1
  for i, cell in ipairs(row.cells) do
    local room = math.max(6, LINE_CHARS * (shares[i] or 0.2))
    tallest = math.max(tallest, math.ceil(#pandoc.utils.stringify(cell.contents) / room))
  end
  return tallest
end

function Table(tbl)
  if not FORMAT:match('typst') then return nil end
  local shares = {}
  for i, spec in ipairs(tbl.colspecs) do
    local width = spec[2]
    shares[i] = (type(width) == 'number' and width > 0) and width or 1 / #tbl.colspecs
  end
  local lines = 0
  for _, row in ipairs(tbl.head.rows) do lines = lines + row_lines(row, shares) end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do lines = lines + row_lines(row, shares) end
  end
  if lines <= PAGE_LINES then return nil end
  return {
    pandoc.RawBlock('typst', BREAKABLE),
    tbl,
    pandoc.RawBlock('typst', ']'),
  }
end

local function cover_title(div)
  -- the document's title, as its one level-1 heading (kept out of the table of contents)
  local inlines = pandoc.utils.blocks_to_inlines(div.content)
  local h = pandoc.Header(1, inlines, pandoc.Attr('', {'unnumbered', 'unlisted'}))
  if FORMAT:match('typst') then
    return {
      pandoc.RawBlock('typst', '#[#set text(size: 24pt)'),
      h,
      pandoc.RawBlock('typst', ']'),
    }
  end
  -- HTML: the page's one <h1> is the title block already; the cover repeats the title as text
  return pandoc.Div({pandoc.Para(inlines)}, pandoc.Attr('', {'cover-title'}))
end

local function box(div, class)
  local open = BOXES[class]
  local content = div.content
  local title = div.attributes['title']
  if title then
    div.attributes['title'] = nil
    table.insert(content, 1, pandoc.Para({pandoc.Strong(pandoc.Str(title))}))
  end
  if not FORMAT:match('typst') then return div end
  local out = {}
  if BEFORE[class] then table.insert(out, pandoc.RawBlock('typst', BEFORE[class])) end
  local close = ']'
  if open:sub(1, 1) == '[' then
    table.insert(out, pandoc.RawBlock('typst', '#' .. open))
  else
    -- the text(...) wrappers open one more parenthesis than block(...)
    local _, depth = open:gsub('%(', '')
    local _, shut = open:gsub('%)', '')
    close = close .. string.rep(')', depth - shut)
    table.insert(out, pandoc.RawBlock('typst', '#' .. open .. '['))
  end
  for _, b in ipairs(content) do table.insert(out, b) end
  table.insert(out, pandoc.RawBlock('typst', close))
  if AFTER[class] then table.insert(out, pandoc.RawBlock('typst', AFTER[class])) end
  return out
end

function Div(div)
  if div.classes:includes('cover-title') then return cover_title(div) end
  if div.classes:includes('contents') then
    -- where the PDF's table of contents goes when there is a cover (the HTML has its own)
    if FORMAT:match('typst') then
      local title = TOC_TITLE and ('title: ' .. typst_string(TOC_TITLE)) or ''
      return pandoc.RawBlock('typst', '#miriam-toc(' .. title .. ')')
    end
    return {}
  end
  if div.classes:includes('nav') and FORMAT:match('typst') then
    return {} -- the HTML's navigation: no links between files in print
  end
  for _, class in ipairs(ORDER) do
    if div.classes:includes(class) then
      if class == 'callout-warning' and IN_QUARTO then return nil end
      return box(div, class)
    end
  end
  return nil
end

-- HTML of our pandoc template: the table of contents where ::: {.contents} stands (after the
-- cover), made from the level-2 headings; pandoc's own $table-of-contents$ can only go before
-- or after the whole body. Quarto and Typst make their own.
local function html_contents(doc)
  if FORMAT:match('typst') or IN_QUARTO then return nil end
  local items = {}
  doc.blocks:walk({ Header = function(h)
    if h.level == 2 and not h.classes:includes('unlisted') then
      table.insert(items, { pandoc.Plain({ pandoc.Link(h.content, '#' .. h.identifier) }) })
    end
  end })
  local title = TOC_TITLE or ''
  local toc = pandoc.Div(
    { pandoc.Para({ pandoc.Strong(pandoc.Str(title)) }), pandoc.BulletList(items) },
    -- attributes as a list of pairs: a Lua table's keys come in no fixed order (same bytes)
    pandoc.Attr('TOC', { 'toc' }, { { 'role', 'navigation' }, { 'aria-label', title } }))
  doc.blocks = doc.blocks:walk({ Div = function(div)
    if div.classes:includes('contents') then return toc end
  end })
  return doc
end

-- Typst: a closing quote right after punctuation or a digit ("(100.000+ inwoners)’") as the
-- character itself. Pandoc writes it as ' and typst's smart quotes read a ' after ")" as an
-- opening quote, printing ‘…‘. Apostrophes inside words (OCMW’s) stay as they are.
local AFTER_MARK = '[%)%]%.,;:!%?%d]’'
local function closing_quotes(s)
  if not FORMAT:match('typst') or not s.text:find(AFTER_MARK) then return nil end
  local out, rest = pandoc.Inlines({}), s.text
  while true do
    local i, j = rest:find(AFTER_MARK)
    if not i then break end
    out:insert(pandoc.Str(rest:sub(1, i)))
    out:insert(pandoc.RawInline('typst', '’'))
    rest = rest:sub(j + 1)
  end
  if #rest > 0 then out:insert(pandoc.Str(rest)) end
  return out
end

-- Typst: a heading's introduction sticks to what it introduces (a table, a chart, a
-- subheading and its results block), as the heading sticks to it: otherwise "heading + one
-- sentence" is left at the foot of a page and its table starts the next (typst's sticky
-- chains block to block).
local function opens_long_table(b)
  return b and b.t == 'RawBlock' and b.text == BREAKABLE
end

-- where a page must start: before a heading over a table taller than a page (Table above; a
-- breakable figure may break under its caption, leaving heading and caption alone at a page's
-- foot), moved back over the headings and introductions that stick to it
local function page_starts(blocks)
  local starts = {}
  for i, b in ipairs(blocks) do
    local next = blocks[i + 1]
    local intro = next and next.t == 'Para'
    if b.t == 'Header' and (opens_long_table(next) or (intro and opens_long_table(blocks[i + 2]))) then
      local j = i
      while j > 1 and (blocks[j - 1].t == 'Header'
          or (blocks[j - 1].t == 'Para' and j > 2 and blocks[j - 2].t == 'Header')) do
        j = j - 1
      end
      starts[j] = true
    end
  end
  return starts
end

local function sticky_intros(blocks)
  if not FORMAT:match('typst') then return nil end
  local starts = page_starts(blocks)
  local out = pandoc.Blocks({})
  for i, b in ipairs(blocks) do
    local after, next = blocks[i - 1], blocks[i + 1]
    if starts[i] then out:insert(pandoc.RawBlock('typst', '#pagebreak(weak: true)')) end
    if b.t == 'Para' and after and after.t == 'Header' and next then
      out:insert(pandoc.RawBlock('typst', '#block(sticky: true)['))
      out:insert(b)
      out:insert(pandoc.RawBlock('typst', ']'))
    else
      out:insert(b)
    end
  end
  return out
end

-- the document's toc-title first (a filter sees the metadata last), then the contents, then
-- the blocks
return {
  { Meta = function(meta)
      if meta['toc-title'] then TOC_TITLE = pandoc.utils.stringify(meta['toc-title']) end
    end },
  { Pandoc = html_contents },
  { Image = Image, Table = Table, Div = Div, Str = closing_quotes },
  { Blocks = sticky_intros },
}

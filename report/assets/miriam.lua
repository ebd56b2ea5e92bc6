-- Pandoc path only (Quarto does this itself): make the Quarto idioms of the generated sources
-- render the same way with plain pandoc.
--   * ![caption](x.svg){fig-alt="..."}: the alt text becomes the image's alt (HTML) and
--     image(alt: ...) (Typst), so screen readers and tagged PDFs get it;
--   * ::: {.callout-warning title="..."}: a titled note box;
--   * ::: {.headline} and ::: {.colophon}: styled blocks in Typst (CSS does it in HTML);
--   * ::: {.keep}: content kept on one page in Typst (a table with its chart).

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
  if alt == nil then return nil end
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

local BOXES = {
  ['callout-warning'] = 'block(width: 100%, fill: rgb("#FFF4E0"), stroke: (left: 3pt + rgb("#E69F00")), inset: (x: 10pt, y: 8pt), radius: 2pt, breakable: false)',
  ['headline'] = 'block(width: 100%, above: 12pt, below: 8pt, breakable: false, text(size: 12pt, weight: "bold", fill: rgb("#0B4F7A"))',
  ['colophon'] = 'block(width: 100%, text(size: 8.5pt, fill: rgb("#4D4D4D"))',
  -- a table with its chart (and headline): one unbreakable block, so that a page break never
  -- parts them (the whole block moves to the next page instead)
  ['keep'] = 'block(width: 100%, breakable: false)',
}

function Div(div)
  for class, open in pairs(BOXES) do
    if div.classes:includes(class) then
      local content = div.content
      local title = div.attributes['title']
      if title then
        div.attributes['title'] = nil
        table.insert(content, 1, pandoc.Para({pandoc.Strong(pandoc.Str(title))}))
      end
      if not FORMAT:match('typst') then return div end
      local close = ']'
      -- the text(...) wrappers open one more parenthesis than block(...)
      local _, depth = open:gsub('%(', '')
      local _, shut = open:gsub('%)', '')
      close = close .. string.rep(')', depth - shut)
      local out = { pandoc.RawBlock('typst', '#' .. open .. '[') }
      for _, b in ipairs(content) do table.insert(out, b) end
      table.insert(out, pandoc.RawBlock('typst', close))
      return out
    end
  end
  return nil
end

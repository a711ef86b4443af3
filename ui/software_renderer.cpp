#include "ui/software_renderer.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace guichet::ui {

namespace {

SDL_Color to_sdl(ImU32 colour)
{
    return SDL_Color { Uint8(colour >> IM_COL32_R_SHIFT), Uint8(colour >> IM_COL32_G_SHIFT),
        Uint8(colour >> IM_COL32_B_SHIFT), Uint8(colour >> IM_COL32_A_SHIFT) };
}

// x / 255, rounded, for x up to 255 * 255.
inline unsigned div255(unsigned x)
{
    x += 128;
    return (x + (x >> 8)) >> 8;
}

}

bool software_target_supported(SDL_Surface const* surface)
{
    if (!surface || !surface->format || surface->format->BytesPerPixel != 4)
        return false;
    auto const* f = surface->format;
    return f->Rloss == 0 && f->Gloss == 0 && f->Bloss == 0 && f->Rshift % 8 == 0 && f->Gshift % 8 == 0
        && f->Bshift % 8 == 0;
}

void blend_coverage(SDL_Surface* target, SDL_Rect clip, CoverageAtlas const& atlas, SDL_Rect source,
    SDL_Rect destination, SDL_Color colour)
{
    if (colour.a == 0 || destination.w <= 0 || destination.h <= 0 || source.w <= 0 || source.h <= 0)
        return;
    // The source inside the atlas, and the destination inside the clip and
    // the surface.
    if (source.x < 0 || source.y < 0 || source.x + source.w > atlas.width || source.y + source.h > atlas.height)
        return;
    SDL_Rect bounds { 0, 0, target->w, target->h };
    SDL_Rect visible;
    if (!SDL_IntersectRect(&clip, &bounds, &clip) || !SDL_IntersectRect(&destination, &clip, &visible))
        return;
    auto const* format = target->format;
    unsigned const rs = format->Rshift, gs = format->Gshift, bs = format->Bshift;
    std::uint32_t const opaque = format->Amask;
    std::uint32_t const solid
        = (std::uint32_t(colour.r) << rs) | (std::uint32_t(colour.g) << gs) | (std::uint32_t(colour.b) << bs) | opaque;
    bool const scaled = source.w != destination.w || source.h != destination.h;
    for (int y = visible.y; y < visible.y + visible.h; ++y) {
        int dy = y - destination.y;
        // Nearest texel, sampled at the pixel's centre.
        int sy
            = source.y + (scaled ? int((2 * std::int64_t(dy) + 1) * source.h / (2 * std::int64_t(destination.h))) : dy);
        unsigned char const* coverage = atlas.pixels + std::size_t(sy) * atlas.width;
        auto* row = reinterpret_cast<std::uint32_t*>(
            static_cast<unsigned char*>(target->pixels) + std::size_t(y) * target->pitch);
        for (int x = visible.x; x < visible.x + visible.w; ++x) {
            int dx = x - destination.x;
            int sx = source.x
                + (scaled ? int((2 * std::int64_t(dx) + 1) * source.w / (2 * std::int64_t(destination.w))) : dx);
            unsigned alpha = coverage[sx];
            if (alpha == 0)
                continue;
            alpha = colour.a == 255 ? alpha : div255(alpha * colour.a);
            if (alpha == 255) {
                row[x] = solid;
                continue;
            }
            std::uint32_t pixel = row[x];
            unsigned keep = 255 - alpha;
            auto mix = [&](unsigned shift, unsigned channel) {
                return std::uint32_t(div255(channel * alpha + ((pixel >> shift) & 0xFF) * keep)) << shift;
            };
            row[x] = mix(rs, colour.r) | mix(gs, colour.g) | mix(bs, colour.b) | opaque;
        }
    }
}

namespace {

class Painter {
public:
    Painter(SDL_Renderer* renderer, SDL_Surface* target, ImVec2 white_uv)
        : m_renderer(renderer)
        , m_target(target)
        , m_white_uv(white_uv)
    {
    }

    void command(ImDrawList const& list, ImDrawCmd const& cmd)
    {
        SDL_Rect clip { int(cmd.ClipRect.x), int(cmd.ClipRect.y), int(cmd.ClipRect.z - cmd.ClipRect.x),
            int(cmd.ClipRect.w - cmd.ClipRect.y) };
        if (clip.w <= 0 || clip.h <= 0)
            return;
        SDL_RenderSetClipRect(m_renderer, &clip);
        m_clip = clip;
        m_atlas = static_cast<CoverageAtlas const*>(cmd.GetTexID());

        ImDrawVert const* vertices = list.VtxBuffer.Data + cmd.VtxOffset;
        ImDrawIdx const* indices = list.IdxBuffer.Data + cmd.IdxOffset;
        unsigned count = cmd.ElemCount;
        for (unsigned i = 0; i < count;) {
            if (i + 6 <= count && quad(vertices, indices + i)) {
                i += 6;
                continue;
            }
            triangle(vertices, indices + i);
            i += 3;
        }
        flush();
    }

private:
    bool is_white(ImVec2 uv) const { return uv.x == m_white_uv.x && uv.y == m_white_uv.y; }

    // ImGui's rectangles (PrimRect, PrimRectUV): corners a b c d, triangles
    // (a b c) (a c d), axis-aligned, one colour.
    bool quad(ImDrawVert const* vertices, ImDrawIdx const* idx)
    {
        if (idx[3] != idx[0] || idx[4] != idx[2])
            return false;
        auto const& a = vertices[idx[0]];
        auto const& b = vertices[idx[1]];
        auto const& c = vertices[idx[2]];
        auto const& d = vertices[idx[5]];
        if (a.col != b.col || a.col != c.col || a.col != d.col)
            return false;
        if (a.pos.y != b.pos.y || b.pos.x != c.pos.x || c.pos.y != d.pos.y || d.pos.x != a.pos.x)
            return false;
        if (a.pos.x >= c.pos.x || a.pos.y >= c.pos.y)
            return false;
        auto colour = to_sdl(a.col);
        if (is_white(a.uv) && is_white(b.uv) && is_white(c.uv) && is_white(d.uv)) {
            flush();
            SDL_FRect destination { a.pos.x, a.pos.y, c.pos.x - a.pos.x, c.pos.y - a.pos.y };
            SDL_SetRenderDrawBlendMode(m_renderer, colour.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
            SDL_SetRenderDrawColor(m_renderer, colour.r, colour.g, colour.b, colour.a);
            SDL_RenderFillRectF(m_renderer, &destination);
            m_queued = true;
            return true;
        }
        if (!m_atlas || a.uv.y != b.uv.y || b.uv.x != c.uv.x || c.uv.y != d.uv.y || d.uv.x != a.uv.x)
            return false;
        // A glyph or a corner mask: its rectangle of the atlas, tinted,
        // blended into the window's pixels once SDL has drawn what came
        // before it. Positions truncated as SDL's own copy does.
        flush();
        if (m_queued) {
            SDL_RenderFlush(m_renderer);
            m_queued = false;
        }
        SDL_Rect source { int(a.uv.x * m_atlas->width + 0.5f), int(a.uv.y * m_atlas->height + 0.5f), 0, 0 };
        source.w = int(c.uv.x * m_atlas->width + 0.5f) - source.x;
        source.h = int(c.uv.y * m_atlas->height + 0.5f) - source.y;
        SDL_Rect destination { int(a.pos.x), int(a.pos.y), int(c.pos.x - a.pos.x), int(c.pos.y - a.pos.y) };
        blend_coverage(m_target, m_clip, *m_atlas, source, destination, colour);
        return true;
    }

    // Every other triangle is filled with its vertices' colours: with lines
    // not drawn from the atlas, only glyphs and corner masks sample it, and
    // those are quads.
    void triangle(ImDrawVert const* vertices, ImDrawIdx const* idx)
    {
        for (int k = 0; k < 3; ++k) {
            auto const& v = vertices[idx[k]];
            m_pending.push_back(
                SDL_Vertex { SDL_FPoint { v.pos.x, v.pos.y }, to_sdl(v.col), SDL_FPoint { v.uv.x, v.uv.y } });
        }
    }

    void flush()
    {
        if (m_pending.empty())
            return;
        // Without a texture SDL fills the triangles instead of sampling the
        // atlas for every pixel. Their anti-aliased fringes fade to alpha 0,
        // so they must blend, whatever the last rectangle fill set.
        SDL_SetRenderDrawBlendMode(m_renderer, SDL_BLENDMODE_BLEND);
        SDL_RenderGeometry(m_renderer, nullptr, m_pending.data(), int(m_pending.size()), nullptr, 0);
        m_pending.clear();
        m_queued = true;
    }

    SDL_Renderer* m_renderer;
    SDL_Surface* m_target;
    ImVec2 m_white_uv;
    CoverageAtlas const* m_atlas { nullptr };
    SDL_Rect m_clip {};
    std::vector<SDL_Vertex> m_pending;
    // SDL holds drawing it has not done yet: done before a direct blend.
    bool m_queued { true }; // the clear, at least
};

}

void render_draw_data_software(SDL_Renderer* renderer, SDL_Surface* target, ImDrawData const* draw_data)
{
    Painter painter(renderer, target, ImGui::GetIO().Fonts->TexUvWhitePixel);
    for (int n = 0; n < draw_data->CmdListsCount; ++n) {
        ImDrawList const& list = *draw_data->CmdLists[n];
        for (auto const& cmd : list.CmdBuffer) {
            if (cmd.UserCallback)
                continue; // the kiosk installs no draw callbacks
            painter.command(list, cmd);
        }
    }
    SDL_RenderSetClipRect(renderer, nullptr);
}

}

#include "ui/software_renderer.hpp"

#include <vector>

namespace guichet::ui {

namespace {

SDL_Color to_sdl(ImU32 colour)
{
    return SDL_Color { Uint8(colour >> IM_COL32_R_SHIFT), Uint8(colour >> IM_COL32_G_SHIFT),
        Uint8(colour >> IM_COL32_B_SHIFT), Uint8(colour >> IM_COL32_A_SHIFT) };
}

class Painter {
public:
    Painter(SDL_Renderer* renderer, ImVec2 white_uv)
        : m_renderer(renderer)
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
        m_texture = static_cast<SDL_Texture*>(cmd.GetTexID());
        if (m_texture)
            SDL_QueryTexture(m_texture, nullptr, nullptr, &m_texture_width, &m_texture_height);

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
        SDL_FRect destination { a.pos.x, a.pos.y, c.pos.x - a.pos.x, c.pos.y - a.pos.y };
        auto colour = to_sdl(a.col);
        if (is_white(a.uv) && is_white(b.uv) && is_white(c.uv) && is_white(d.uv)) {
            flush();
            SDL_SetRenderDrawBlendMode(m_renderer, colour.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
            SDL_SetRenderDrawColor(m_renderer, colour.r, colour.g, colour.b, colour.a);
            SDL_RenderFillRectF(m_renderer, &destination);
            return true;
        }
        if (!m_texture || a.uv.y != b.uv.y || b.uv.x != c.uv.x || c.uv.y != d.uv.y || d.uv.x != a.uv.x)
            return false;
        // A glyph or a corner mask: copy its rectangle of the atlas, tinted.
        flush();
        SDL_Rect source { int(a.uv.x * m_texture_width + 0.5f), int(a.uv.y * m_texture_height + 0.5f), 0, 0 };
        source.w = int(c.uv.x * m_texture_width + 0.5f) - source.x;
        source.h = int(c.uv.y * m_texture_height + 0.5f) - source.y;
        SDL_SetTextureColorMod(m_texture, colour.r, colour.g, colour.b);
        SDL_SetTextureAlphaMod(m_texture, colour.a);
        SDL_SetTextureBlendMode(m_texture, SDL_BLENDMODE_BLEND);
        SDL_RenderCopyF(m_renderer, m_texture, &source, &destination);
        return true;
    }

    void triangle(ImDrawVert const* vertices, ImDrawIdx const* idx)
    {
        bool solid = true;
        for (int k = 0; k < 3; ++k)
            solid = solid && is_white(vertices[idx[k]].uv);
        if (!m_pending.empty() && solid != m_pending_solid)
            flush();
        m_pending_solid = solid;
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
        SDL_RenderGeometry(
            m_renderer, m_pending_solid ? nullptr : m_texture, m_pending.data(), int(m_pending.size()), nullptr, 0);
        m_pending.clear();
    }

    SDL_Renderer* m_renderer;
    ImVec2 m_white_uv;
    SDL_Texture* m_texture { nullptr };
    int m_texture_width { 1 };
    int m_texture_height { 1 };
    std::vector<SDL_Vertex> m_pending;
    bool m_pending_solid { true };
};

}

void render_draw_data_software(SDL_Renderer* renderer, ImDrawData const* draw_data)
{
    Painter painter(renderer, ImGui::GetIO().Fonts->TexUvWhitePixel);
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

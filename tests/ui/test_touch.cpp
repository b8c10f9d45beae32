#include "ui/touch.hpp"

#include <doctest/doctest.h>
#include <imgui.h>

using kiosk::ui::FingerEvent;
using kiosk::ui::TouchTracker;

TEST_CASE("a tap between two frames is down for one frame, then released, then leaves the screen") {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    TouchTracker t;
    t.push({FingerEvent::Type::Down, ImVec2(100, 200)});
    t.push({FingerEvent::Type::Up, ImVec2(100, 200)});

    t.apply(io);
    CHECK(io.MouseDown[0]);
    CHECK(io.MousePos.x == 100);
    t.apply(io);
    CHECK_FALSE(io.MouseDown[0]);
    CHECK(io.MousePos.x == 100); // the release happens where the finger was: the button fires
    t.apply(io);
    CHECK(io.MousePos.x < -1e30f); // and then nothing stays hovered
    ImGui::DestroyContext();
}

TEST_CASE("two quick taps are two presses") {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    TouchTracker t;
    for (int i = 0; i < 2; ++i) {
        t.push({FingerEvent::Type::Down, ImVec2(10, 10)});
        t.push({FingerEvent::Type::Up, ImVec2(10, 10)});
    }
    int downs = 0;
    bool was = false;
    for (int f = 0; f < 6; ++f) {
        t.apply(io);
        if (io.MouseDown[0] && !was) ++downs;
        was = io.MouseDown[0];
    }
    CHECK(downs == 2);
    ImGui::DestroyContext();
}

TEST_CASE("moves follow the finger while it is down") {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    TouchTracker t;
    t.push({FingerEvent::Type::Down, ImVec2(0, 0)});
    t.apply(io);
    t.push({FingerEvent::Type::Move, ImVec2(0, 50)});
    t.apply(io);
    CHECK(io.MouseDown[0]);
    CHECK(io.MousePos.y == 50);
    CHECK(t.busy());
    ImGui::DestroyContext();
}

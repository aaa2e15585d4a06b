"""Every user-visible string in English and Korean, and the language to use.

Pure Python (no UI imports): the engine's events, the CLI and the dashboard all format through ``tr``.
Korean follows the terms of the seed post (VM, 컨테이너, 이미지, 호스트 OS, 부팅 …); technical names
(kernel, systemd, cloud-init) stay in English, as Korean technical writing usually keeps them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGS = ("en", "ko")
Msg = tuple[str, tuple[tuple[str, object], ...]]


class Bilingual(str):
    """English text (the string itself) that also carries its Korean: for messages composed from parts,
    such as a scenario file's problems, where a key per sentence would not fit."""

    ko: str

    def __new__(cls, en: str, ko: str) -> Bilingual:
        text = super().__new__(cls, en)
        text.ko = ko
        return text

    def in_lang(self, lang: str) -> str:
        """The text in ``lang`` (English unless Korean is asked for)."""
        return self.ko if lang == "ko" else str(self)


def ko_of(text: object) -> str:
    """The Korean of a :class:`Bilingual`, or the text itself (names, numbers, values)."""
    return text.ko if isinstance(text, Bilingual) else str(text)


def msg(key: str, **params: object) -> Msg:
    """A message to render later in any language: (key, params)."""
    return key, tuple(sorted(params.items()))


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """'ko' when the locale (LC_ALL, LC_MESSAGES, LANG, in that order) is Korean, else 'en'."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def tr(key: str, lang: str = "en", **params: object) -> str:
    """The text of ``key`` in ``lang`` (English when missing), with ``params`` filled in."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    return template.format(**params) if params else template


def render(message: Msg, lang: str = "en") -> str:
    """Render a :func:`msg` in ``lang``; parameters that are messages themselves are rendered too."""
    key, params = message
    values = {k: (render(v, lang) if _is_msg(v) else v) for k, v in params}  # type: ignore[arg-type]
    return tr(key, lang, **values)


def _is_msg(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], tuple)
        and value[0] in TEXTS
    )


TEXTS: dict[str, dict[str, str]] = {
    "plain": {"en": "{text}", "ko": "{text}"},
    # Data that carries its own text in each language (the drift story's package breakage).
    "drift.broken": {"en": "{en}", "ko": "{ko}"},
    # ---------------------------------------------------------------- worlds and panels
    "world.vm": {"en": "Virtual machines", "ko": "가상 머신 (VM)"},
    "world.vm.short": {"en": "VMs", "ko": "VM"},
    "world.container": {"en": "Containers", "ko": "컨테이너"},
    "world.microvm": {"en": "MicroVMs", "ko": "마이크로VM"},
    "blurb.vm": {"en": "each app boots its own full OS", "ko": "앱마다 OS 전체를 따로 부팅"},
    "blurb.container": {"en": "apps share the host's kernel", "ko": "앱들이 호스트 커널을 공유"},
    "blurb.microvm": {"en": "own minimal kernel, direct boot", "ko": "작은 커널을 따로, 바로 부팅"},
    "noun.vm": {"en": "VM", "ko": "VM"},
    "noun.container": {"en": "container", "ko": "컨테이너"},
    "noun.microvm": {"en": "microVM", "ko": "마이크로VM"},
    "count.ready": {"en": "{n} ready", "ko": "준비 {n}"},
    "count.booting": {"en": "{n} booting", "ko": "부팅 중 {n}"},
    "count.failed": {"en": "{n} failed", "ko": "실패 {n}"},
    "bar.memory": {"en": "Memory", "ko": "메모리"},
    "bar.disk": {"en": "Disk", "ko": "디스크"},
    "bar.cpu": {"en": "CPU", "ko": "CPU"},
    "bar.of": {"en": "{used} of {cap}", "ko": "{used} / {cap}"},
    "bar.touched": {"en": "{mib} touched", "ko": "실사용 {mib}"},
    "cpu.cores": {"en": "{used} of {cores} cores", "ko": "코어 {used} / {cores}"},
    "cpu.wants": {"en": "booting wants {n}", "ko": "부팅 요구 {n}"},
    "fit.room": {"en": "room for {n} more {app}", "ko": "{app} {n}개 더 가능"},
    "fit.limit": {"en": "limit: {what}", "ko": "한계: {what}"},
    "limit.memory": {"en": "memory", "ko": "메모리"},
    "limit.disk": {"en": "disk", "ko": "디스크"},
    "limit.cpu": {"en": "CPU", "ko": "CPU"},
    "limit.vcpus": {"en": "vCPUs", "ko": "vCPU"},
    "limit.allocation": {"en": "VM too small", "ko": "VM 메모리 부족"},
    "limit.memory limit": {"en": "memory limit", "ko": "메모리 제한"},
    "list.empty": {"en": "no instances yet — press a to add", "ko": "아직 없음 — a 키로 추가"},
    "inst.ready": {"en": "ready", "ko": "준비"},
    # ---------------------------------------------------------------- memory and disk categories
    "cat.host_os": {"en": "host OS", "ko": "호스트 OS"},
    "cat.hypervisor": {"en": "hypervisor", "ko": "하이퍼바이저"},
    "cat.guest_kernel": {"en": "guest kernels", "ko": "게스트 커널"},
    "cat.guest_kernel.short": {"en": "kernels", "ko": "커널"},
    "cat.guest_services": {"en": "guest services", "ko": "게스트 서비스"},
    "cat.guest_services.short": {"en": "services", "ko": "서비스"},
    "cat.guest_page_cache": {"en": "guest page cache", "ko": "게스트 페이지 캐시"},
    "cat.guest_page_cache.short": {"en": "page cache", "ko": "캐시"},
    "cat.apps": {"en": "apps", "ko": "앱"},
    "cat.runtime": {"en": "container runtime", "ko": "컨테이너 런타임"},
    "cat.runtime.short": {"en": "runtime", "ko": "런타임"},
    "cat.shared_pages": {"en": "shared pages", "ko": "공유 페이지"},
    "cat.shared_pages.short": {"en": "shared", "ko": "공유"},
    "cat.reserved_idle": {"en": "reserved, untouched", "ko": "예약만 됨"},
    "cat.reserved_idle.short": {"en": "reserved", "ko": "예약"},
    "cat.free": {"en": "free", "ko": "여유"},
    "cat.base_images": {"en": "OS images", "ko": "OS 이미지"},
    "cat.vm_disks": {"en": "VM disks", "ko": "VM 디스크"},
    "cat.image_layers": {"en": "image layers", "ko": "이미지 레이어"},
    "cat.image_layers.short": {"en": "layers", "ko": "레이어"},
    "cat.writable_layers": {"en": "writable layers", "ko": "쓰기 레이어"},
    "cat.writable_layers.short": {"en": "writable", "ko": "쓰기"},
    # ---------------------------------------------------------------- states and phases
    "state.pending": {"en": "pending", "ko": "대기"},
    "state.booting": {"en": "booting", "ko": "부팅 중"},
    "state.running": {"en": "running", "ko": "실행 중"},
    "state.failed": {"en": "failed", "ko": "실패"},
    "state.killed": {"en": "killed", "ko": "강제 종료"},
    "state.stopped": {"en": "stopped", "ko": "중지"},
    "phase.download": {"en": "download", "ko": "다운로드"},
    "phase.pull": {"en": "pull", "ko": "pull"},
    "phase.disk copy": {"en": "disk copy", "ko": "디스크 복사"},
    "phase.create": {"en": "create", "ko": "생성"},
    "phase.start": {"en": "start", "ko": "시작"},
    "phase.app": {"en": "app", "ko": "앱 시작"},
    # ---------------------------------------------------------------- status line and keys
    "status.paused": {"en": "paused", "ko": "일시정지"},
    "status.running": {"en": "running", "ko": "실행 중"},
    "status.replay": {"en": "(replay)", "ko": "(다시 보기)"},
    "status.hardware": {"en": "each world: {cores} cores, {memory}", "ko": "세계마다: 코어 {cores}개, {memory}"},
    "key.add": {"en": "Add", "ko": "추가"},
    "key.add_again": {"en": "Add again", "ko": "하나 더"},
    "key.remove": {"en": "Remove", "ko": "삭제"},
    "key.pause": {"en": "Pause/run", "ko": "정지/실행"},
    "key.step": {"en": "Step", "ko": "한 단계"},
    "key.faster": {"en": "Faster", "ko": "빠르게"},
    "key.slower": {"en": "Slower", "ko": "느리게"},
    "key.rewind": {"en": "−10 s", "ko": "−10초"},
    "key.forward": {"en": "+10 s", "ko": "+10초"},
    "key.lower": {"en": "Charts/log", "ko": "차트/로그"},
    "key.microvm": {"en": "MicroVM", "ko": "마이크로VM"},
    "key.restart": {"en": "Restart", "ko": "처음부터"},
    "key.open": {"en": "Open", "ko": "열기"},
    "key.screenshot": {"en": "SVG", "ko": "SVG"},
    "key.export": {"en": "Export", "ko": "내보내기"},
    "key.help": {"en": "Help", "ko": "도움말"},
    "key.quit": {"en": "Quit", "ko": "종료"},
    "key.next": {"en": "Next", "ko": "다음"},
    "key.back": {"en": "Back", "ko": "이전"},
    "key.lesson": {"en": "Lesson", "ko": "수업"},
    "key.lang": {"en": "한국어", "ko": "English"},
    "key.real": {"en": "Real host", "ko": "실제 컴퓨터"},
    "help.h": {
        "en": "show / hide this machine's real memory and CPU (psutil)",
        "ko": "이 컴퓨터의 실제 메모리와 CPU 보이기 / 숨기기 (psutil)",
    },
    "real.badge": {"en": "REAL", "ko": "실제"},
    "real.line": {
        "en": "this machine: memory {used} of {total} in use · CPU {cpu}% of {cores} cores",
        "ko": "이 컴퓨터: 메모리 {total} 중 {used} 사용 · CPU {cores}코어 중 {cpu}%",
    },
    "real.note": {"en": "measured with psutil, not simulated", "ko": "psutil로 잰 값, 시뮬레이션 아님"},
    "palette.add": {"en": "Add {app}", "ko": "{app} 추가"},
    "palette.open_named": {"en": "Open scenario {name}", "ko": "시나리오 {name} 열기"},
    "palette.pause": {"en": "Pause or resume", "ko": "정지 또는 재개"},
    "palette.step": {"en": "Step to the next event", "ko": "다음 사건까지 한 단계"},
    "palette.rewind": {"en": "Back 10 seconds", "ko": "10초 뒤로"},
    "palette.forward": {"en": "Forward 10 seconds", "ko": "10초 앞으로"},
    "palette.remove": {"en": "Remove selected instance", "ko": "선택한 인스턴스 삭제"},
    "palette.microvm": {"en": "Toggle microVM world", "ko": "마이크로VM 세계 켜기/끄기"},
    "palette.lower": {"en": "Charts and log large", "ko": "차트와 로그 크게"},
    "palette.restart": {"en": "Restart scenario", "ko": "시나리오 처음부터"},
    "palette.open": {"en": "Open scenario…", "ko": "시나리오 열기…"},
    "palette.screenshot": {"en": "Save SVG screenshot", "ko": "SVG 스크린샷 저장"},
    "palette.export": {"en": "Export state as JSON", "ko": "상태를 JSON으로 내보내기"},
    "palette.real": {"en": "Show this machine's real memory and CPU", "ko": "이 컴퓨터의 실제 메모리와 CPU 보기"},
    "palette.lang": {"en": "Switch language (English / 한국어)", "ko": "언어 바꾸기 (English / 한국어)"},
    # ---------------------------------------------------------------- tabs and charts
    "tab.log": {"en": "Log", "ko": "로그"},
    "tab.memory": {"en": "Memory", "ko": "메모리"},
    "tab.ready": {"en": "Ready", "ko": "준비"},
    "tab.timeline": {"en": "Boot timeline", "ko": "부팅 타임라인"},
    "tab.images": {"en": "Images", "ko": "이미지"},
    "tab.drift": {"en": "Drift", "ko": "환경 차이"},
    "chart.memory": {"en": "Memory committed (GiB)", "ko": "확보된 메모리 (GiB)"},
    "chart.ready": {"en": "Instances ready", "ko": "준비된 인스턴스"},
    "chart.seconds": {"en": "simulated seconds", "ko": "시뮬레이션 시간(초)"},
    "timeline.empty": {
        "en": "No boots yet: press a to add a workload.",
        "ko": "아직 부팅 없음: a 키로 워크로드를 추가하세요.",
    },
    # ---------------------------------------------------------------- notifications
    "note.speed": {"en": "Speed {speed}", "ko": "속도 {speed}"},
    "note.restarted": {"en": "Restarted", "ko": "처음부터 다시 시작"},
    "note.opened": {"en": "Opened {name}", "ko": "{name} 열림"},
    "note.saved": {"en": "Saved {path}", "ko": "저장됨: {path}"},
    "note.save_failed": {"en": "Could not save the screenshot: {why}", "ko": "스크린샷 저장 실패: {why}"},
    "note.export_failed": {"en": "Could not export: {why}", "ko": "내보내기 실패: {why}"},
    "note.select_first": {
        "en": "Select a running or booting instance first (↑ ↓ or a click).",
        "ko": "먼저 실행 중이거나 부팅 중인 인스턴스를 고르세요 (↑ ↓ 또는 클릭).",
    },
    "note.one_world": {"en": "At least one world must stay on screen.", "ko": "세계 하나는 화면에 남아 있어야 합니다."},
    "note.no_lesson": {"en": "This scenario has no lesson.", "ko": "이 시나리오에는 수업이 없습니다."},
    # ---------------------------------------------------------------- dialogs
    "add.title": {"en": "Add a workload to every world", "ko": "모든 세계에 워크로드 추가"},
    "add.how_many": {"en": "How many:", "ko": "개수:"},
    "add.detail": {
        "en": "RSS {rss} · image {image} · starts in {start} s",
        "ko": "메모리 {rss} · 이미지 {image} · 시작 {start}초",
    },
    "add.bad_count": {
        "en": "How many must be a whole number from 1 to {max}.",
        "ko": "개수는 1부터 {max}까지의 정수여야 합니다.",
    },
    "add.pick": {"en": "Pick an app first.", "ko": "먼저 앱을 고르세요."},
    "button.add": {"en": "Add", "ko": "추가"},
    "button.cancel": {"en": "Cancel", "ko": "취소"},
    "button.open": {"en": "Open", "ko": "열기"},
    "button.close": {"en": "Close", "ko": "닫기"},
    "open.title": {"en": "Open a scenario", "ko": "시나리오 열기"},
    "open.file": {"en": "or a file:", "ko": "또는 파일:"},
    "open.need_path": {
        "en": "Type a path to a .toml file, or pick a scenario above.",
        "ko": ".toml 파일 경로를 입력하거나 위에서 시나리오를 고르세요.",
    },
    "open.served_only": {
        "en": "In the browser, pick a scenario from the list, or type the name of one in it: "
        "files on the server are not open to browsers.",
        "ko": "브라우저에서는 목록의 시나리오를 고르거나 그 이름을 입력하세요. 서버의 파일은 브라우저에 열려 있지 않습니다.",
    },
    "open.teachers": {"en": "from the teacher's folder", "ko": "교사 폴더의 파일"},
    "note.offered": {
        "en": "Offered {name} to the browser as a download",
        "ko": "{name} 파일을 브라우저로 내려받게 했습니다",
    },
    "help.title": {"en": "vmsim help", "ko": "vmsim 도움말"},
    "help.keys": {"en": "Keys", "ko": "키"},
    "help.states": {"en": "Instance states", "ko": "인스턴스 상태"},
    "help.about": {
        "en": "Every world is a copy of the same host fed the same workloads at the same moments. Figures come "
        "from published measurements; 'vmsim catalog' lists each with its source.",
        "ko": "모든 세계는 같은 호스트의 복사본이고, 같은 순간에 같은 워크로드를 받습니다. 수치는 공개된 측정값에서 "
        "왔으며 'vmsim catalog'가 각 수치의 출처를 보여 줍니다.",
    },
    "help.a": {
        "en": "add a workload (pick an app and how many) to every world",
        "ko": "모든 세계에 워크로드 추가 (앱과 개수 선택)",
    },
    "help.A": {"en": "add one more of the last app", "ko": "마지막 앱을 하나 더 추가"},
    "help.d": {"en": "remove the selected instance", "ko": "선택한 인스턴스 삭제"},
    "help.space": {"en": "pause / resume simulated time", "ko": "시뮬레이션 시간 정지 / 재개"},
    "help.n": {"en": "step to the next thing that happens (paused)", "ko": "다음 사건까지 한 단계 (정지 중)"},
    "help.speed": {
        "en": "faster / slower (0.1× … 100×; 1× is real time)",
        "ko": "빠르게 / 느리게 (0.1× … 100×, 1×는 실제 시간)",
    },
    "help.rewind": {
        "en": "back / forward 10 s through what already happened (paused)",
        "ko": "지나간 시간을 10초 뒤로 / 앞으로 (정지 중)",
    },
    "help.select": {"en": "select an instance in a world's list", "ko": "세계 목록에서 인스턴스 선택"},
    "help.tab": {
        "en": "move between the lists and the tabs below (← → switch tabs)",
        "ko": "세계 목록과 아래 탭 사이 이동 (탭에서 ← → 로 전환)",
    },
    "help.c": {
        "en": "log and charts large (on small screens: instead of the worlds)",
        "ko": "로그와 차트를 크게 (작은 화면에서는 세계 대신)",
    },
    "help.m": {"en": "show / hide the microVM world", "ko": "마이크로VM 세계 보이기 / 숨기기"},
    "help.r": {"en": "restart the scenario", "ko": "시나리오를 처음부터"},
    "help.o": {"en": "open another scenario", "ko": "다른 시나리오 열기"},
    "help.s": {"en": "save an SVG screenshot", "ko": "SVG 스크린샷 저장"},
    "help.e": {"en": "export the current state as JSON", "ko": "현재 상태를 JSON으로 내보내기"},
    "help.lesson": {"en": "lesson: next / previous step", "ko": "수업: 다음 / 이전 단계"},
    "help.l": {"en": "show / hide the lesson narration", "ko": "수업 설명 보이기 / 숨기기"},
    "help.L": {"en": "switch language (English / 한국어)", "ko": "언어 바꾸기 (English / 한국어)"},
    "help.palette": {"en": "command palette: every action by name", "ko": "명령 팔레트: 모든 동작을 이름으로"},
    "help.help": {"en": "this help", "ko": "이 도움말"},
    "help.q": {"en": "quit", "ko": "종료"},
    # ---------------------------------------------------------------- lessons
    "lesson.step": {"en": "Step {n} of {total}", "ko": "{total}단계 중 {n}단계"},
    "lesson.predict": {"en": "Predict first:", "ko": "먼저 예상해 보세요:"},
    "lesson.reveal": {"en": "→ to see what happens", "ko": "→ 키를 누르면 결과가 보입니다"},
    "lesson.next": {"en": "→ next   ← back   l hide", "ko": "→ 다음   ← 이전   l 숨기기"},
    "lesson.done": {
        "en": "End of the lesson. r restarts it; o opens another.",
        "ko": "수업 끝. r: 처음부터, o: 다른 시나리오",
    },
    # ---------------------------------------------------------------- image explorer and drift view
    "images.none": {
        "en": "No images on this host yet: add a container.",
        "ko": "아직 이 호스트에 이미지가 없습니다: 컨테이너를 추가하세요.",
    },
    "images.layer": {"en": "layer", "ko": "레이어"},
    "images.size": {"en": "size", "ko": "크기"},
    "images.state": {"en": "on disk", "ko": "디스크"},
    "images.used_by": {"en": "used by", "ko": "사용 중"},
    "images.shared": {"en": "shared by {n} images", "ko": "이미지 {n}개가 공유"},
    "images.containers": {"en": "{n} containers", "ko": "컨테이너 {n}개"},
    "images.container_one": {"en": "1 container", "ko": "컨테이너 1개"},
    "images.stored": {"en": "stored", "ko": "저장됨"},
    "images.fetching": {"en": "pulling", "ko": "받는 중"},
    "images.absent": {"en": "not here", "ko": "없음"},
    "images.summary": {
        "en": "{containers} containers × virtual size {virtual} would be {naive}; the disk holds {used}: each layer "
        "once ({layers}) plus one thin writable layer per container ({writable}).",
        "ko": "컨테이너 {containers}개 × 가상 크기 {virtual} = {naive}처럼 보이지만, 디스크에는 {used}만 있습니다: "
        "레이어는 한 번씩({layers}), 컨테이너마다 얇은 쓰기 레이어({writable}).",
    },
    "drift.manual": {"en": "Deployed by hand", "ko": "손으로 배포"},
    "drift.image": {"en": "Deployed from one image", "ko": "이미지 하나로 배포"},
    "drift.recipe": {"en": "What was typed on each server", "ko": "서버마다 직접 입력한 것"},
    "drift.dockerfile": {
        "en": "The same environment, written down (Dockerfile)",
        "ko": "같은 환경을 코드로 적은 것 (Dockerfile)",
    },
    "drift.day": {"en": "day {day}", "ko": "{day}일째"},
    "drift.works": {"en": "works", "ko": "정상"},
    "drift.fails": {"en": "FAILS", "ko": "실패"},
    "drift.identical": {"en": "identical on every server, every day", "ko": "모든 서버에서, 매일 똑같음"},
    # ---------------------------------------------------------------- engine events
    "event.added": {"en": "{noun} {id} added ({app})", "ko": "{noun} {id} 추가됨 ({app})"},
    "event.ready": {"en": "{noun} {id} ready in {s} s", "ko": "{noun} {id} 준비 완료: {s}초"},
    "event.refused": {"en": "{noun} {id} refused: {reason}", "ko": "{noun} {id} 거부됨: {reason}"},
    "event.failed": {"en": "{noun} {id} failed: {reason}", "ko": "{noun} {id} 실패: {reason}"},
    "event.killed": {"en": "{noun} {id} killed: {reason}", "ko": "{noun} {id} 강제 종료: {reason}"},
    "event.stopped": {"en": "{noun} {id} stopped and removed", "ko": "{noun} {id} 중지 후 삭제"},
    "event.fetched": {"en": "{artifact} stored on the host ({size})", "ko": "{artifact} 호스트에 저장됨 ({size})"},
    "event.warning": {"en": "{noun} {id}: {reason}", "ko": "{noun} {id}: {reason}"},
    "reason.disk_full": {"en": "disk full: needs {need}, {free} free", "ko": "디스크 부족: {need} 필요, 여유 {free}"},
    "reason.no_memory": {
        "en": "needs {need} ({ram} RAM + {overhead} {hypervisor}), {free} free",
        "ko": "{need} 필요 (RAM {ram} + {hypervisor} {overhead}), 여유 {free}",
    },
    "reason.host_touched": {
        "en": "host memory in use: {used} of {cap}, no room for {overhead} of {hypervisor}",
        "ko": "호스트 메모리 사용 중: {used} / {cap}, {hypervisor} {overhead}를 둘 자리 없음",
    },
    "reason.vcpus": {
        "en": "needs {n} vCPUs, {used} of {cap} allocated",
        "ko": "vCPU {n}개 필요, {cap}개 중 {used}개 할당됨",
    },
    "reason.boot_oom": {
        "en": "out of memory while booting: {alloc} allocated, {guest} needs at least {min}",
        "ko": "부팅 중 메모리 부족: {alloc} 할당, {guest}에는 최소 {min} 필요",
    },
    "reason.guest_oom_start": {
        "en": "guest OOM killer stopped {app}: it needs {rss}, {free} free in a {alloc} VM",
        "ko": "게스트 OOM 킬러가 {app} 종료: {rss} 필요, {alloc} VM에 여유 {free}",
    },
    "reason.guest_oom_grow": {
        "en": "guest OOM killer stopped {app}: its {alloc} VM is full",
        "ko": "게스트 OOM 킬러가 {app} 종료: {alloc} VM이 가득 참",
    },
    "reason.cgroup_start": {
        "en": "over its memory limit at start: needs {rss}, limit {limit} (cgroup OOM)",
        "ko": "시작부터 메모리 제한 초과: {rss} 필요, 제한 {limit} (cgroup OOM)",
    },
    "reason.cgroup_grow": {
        "en": "over its memory limit: {used} used, limit {limit} (cgroup OOM)",
        "ko": "메모리 제한 초과: {used} 사용, 제한 {limit} (cgroup OOM)",
    },
    "reason.host_oom": {
        "en": "host out of memory ({need} of {cap}): the OOM killer picked the largest, {size}",
        "ko": "호스트 메모리 부족 ({need} / {cap}): OOM 킬러가 가장 큰 것({size})을 골라 종료",
    },
    "reason.below_recommended": {
        "en": "{alloc} is below the {rec} {guest} recommends; it boots, with less room to spare",
        "ko": "{alloc}는 {guest} 권장 {rec}보다 적습니다. 부팅은 되지만 여유가 적습니다",
    },
    "reason.refused_prefix": {"en": "refused: {reason}", "ko": "거부됨: {reason}"},
    # ---------------------------------------------------------------- drift problems
    "drift.old_node": {
        "en": "node {have} is older than the {need}.x the app needs",
        "ko": "node {have}: 앱에 필요한 {need}.x보다 오래된 버전",
    },
    "drift.env_missing": {
        "en": "{var} is not set: the app cannot start",
        "ko": "환경 변수 {var} 없음: 앱이 시작할 수 없음",
    },
    "drift.port_closed": {
        "en": "port {port} is closed: nobody can reach the app",
        "ko": "포트 {port} 닫힘: 아무도 앱에 접속할 수 없음",
    },
    "drift.set": {"en": "set", "ko": "설정됨"},
    "drift.forgotten": {"en": "forgotten", "ko": "잊음"},
    "drift.open": {"en": "open", "ko": "열림"},
}

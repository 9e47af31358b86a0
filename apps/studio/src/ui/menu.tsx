"use client";

import {
  type CSSProperties,
  type ReactNode,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { Button, type ButtonVariant } from "./button.tsx";
import { placeMenu } from "./menu-place.ts";

export interface MenuItem {
  key: string;
  label: ReactNode;
  description?: ReactNode;
  icon?: ReactNode;
  disabled?: boolean;
  testId?: string;
  onSelect: () => void;
}

/** A button opening a list of actions: arrow keys move, Enter picks, Escape or a click outside closes. */
export function MenuButton({
  label,
  icon,
  items,
  variant = "secondary",
  testId,
  header,
}: {
  label: ReactNode;
  icon?: ReactNode;
  items: MenuItem[];
  variant?: ButtonVariant;
  testId?: string;
  header?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const id = useId();
  const [place, setPlace] = useState<CSSProperties | null>(null);

  // Measured before paint, and again when the window or a scrolling parent moves the button.
  useLayoutEffect(() => {
    if (!open) {
      setPlace(null);
      return;
    }
    const measure = () => {
      const b = root.current?.getBoundingClientRect();
      const m = list.current;
      if (!b || !m) return;
      const p = placeMenu(
        b,
        { width: m.offsetWidth, height: m.scrollHeight },
        { width: window.innerWidth, height: window.innerHeight },
      );
      setPlace({ position: "fixed", right: "auto", bottom: "auto", ...p });
    };
    measure();
    window.addEventListener("resize", measure);
    window.addEventListener("scroll", measure, true);
    return () => {
      window.removeEventListener("resize", measure);
      window.removeEventListener("scroll", measure, true);
    };
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    list.current?.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === "Escape") {
      setOpen(false);
      root.current?.querySelector<HTMLButtonElement>("button")?.focus();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const buttons = Array.from(
      list.current?.querySelectorAll<HTMLButtonElement>("button:not(:disabled)") ?? [],
    );
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[(i + (e.key === "ArrowDown" ? 1 : -1) + buttons.length) % buttons.length];
    next?.focus();
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: keyboard navigation of the menu it wraps
    <div className="menu-root" ref={root} onKeyDown={onKeyDown}>
      <Button
        variant={variant}
        icon={icon}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={id}
        data-testid={testId}
        onClick={() => setOpen((o) => !o)}
      >
        {label}
      </Button>
      {open ? (
        <div
          className="menu"
          role="menu"
          id={id}
          ref={list}
          style={place ?? undefined}
          data-testid={testId ? `${testId}-menu` : undefined}
        >
          {header ? <div className="menu-header">{header}</div> : null}
          {items.map((item) => (
            <button
              key={item.key}
              type="button"
              role="menuitem"
              className="menu-item"
              disabled={item.disabled}
              data-testid={item.testId}
              onClick={() => {
                setOpen(false);
                item.onSelect();
              }}
            >
              {item.icon ? <span className="menu-icon">{item.icon}</span> : null}
              <span className="menu-text">
                <span className="menu-label">{item.label}</span>
                {item.description ? <span className="menu-desc">{item.description}</span> : null}
              </span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

// The Sous design system: one look for every page. Styles live in app/globals.css, or next to a
// component that brings its own (modal-dialog.css).
export { ApiError, type ApiResponse, apiCall, errorMessage } from "./api.ts";
export { Badge, type BadgeTone, type DatasetState, StateBadge } from "./badge.tsx";
export { Button, ButtonLink } from "./button.tsx";
export { type Cell, DataTable } from "./data-table.tsx";
export { Checkbox, Field, FormError, Input, Select, Textarea } from "./field.tsx";
export { formatCount, formatDate, formatRows, isNumericType } from "./format.ts";
export { ModalDialog, type ModalDialogProps, ModalFoot } from "./modal-dialog.tsx";
export { EmptyState, Panel, Spinner } from "./panel.tsx";

import type { GlossaryKey } from '../../../shared/glossary'

/**
 * A column heading of TableHead: plain text, or a glossary term (its explanation shows on hover).
 * `right` aligns a column of numbers; `hidden` is for screen readers only (a column of buttons).
 */
export interface Column {
  label?: string
  term?: GlossaryKey
  right?: boolean
  hidden?: boolean
}

/** A column of numbers: right-aligned under its heading. */
export const numeric = (label: string): Column => ({ label, right: true })

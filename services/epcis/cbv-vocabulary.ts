/**
 * The standard vocabularies EPCIS 2.0 fields draw on (GS1 CBV 2.0, and the GS1 Web Vocabulary for
 * sensor data). In JSON-LD a standard value is written as a bare word ("shipping") that the GS1
 * context expands to a web URI; anything else must be a URI of the user's own vocabulary.
 * The schema (validation) and the event hash (canonical URIs) both read these tables.
 */

export interface Vocabulary {
  /** The bare words defined by the standard. */
  readonly words: readonly string[];
  /** Canonical URI of a word: prefix + word (CBV 2.0 web URIs, GS1 Web Vocabulary). */
  readonly webPrefix: string;
  /** EPCIS 1.x URN form, still met in converted XML documents. */
  readonly urnPrefix?: string;
}

const CBV = 'https://ref.gs1.org/cbv/';
const GS1_VOC = 'https://ref.gs1.org/voc/';

export const BIZ_STEP: Vocabulary = {
  webPrefix: `${CBV}BizStep-`,
  urnPrefix: 'urn:epcglobal:cbv:bizstep:',
  // biome-ignore format: word lists read better packed
  words: [
    'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning',
    'creating_class_instance', 'cycle_counting', 'decommissioning', 'departing', 'destroying',
    'disassembling', 'dispensing', 'encoding', 'entering_exiting', 'holding', 'inspecting', 'installing',
    'killing', 'loading', 'other', 'packing', 'picking', 'receiving', 'removing', 'repackaging', 'repairing',
    'replacing', 'reserving', 'retail_selling', 'sampling', 'sensor_reporting', 'shipping',
    'staging_outbound', 'stock_taking', 'stocking', 'storing', 'transporting', 'unloading', 'unpacking',
    'void_shipping',
  ],
};

export const DISPOSITION: Vocabulary = {
  webPrefix: `${CBV}Disp-`,
  urnPrefix: 'urn:epcglobal:cbv:disp:',
  // biome-ignore format: word lists read better packed
  words: [
    'active', 'available', 'completeness_inferred', 'completeness_verified', 'conformant',
    'container_closed', 'container_open', 'damaged', 'destroyed', 'dispensed', 'disposed', 'encoded',
    'expired', 'in_progress', 'in_transit', 'inactive', 'mismatch_class', 'mismatch_instance',
    'mismatch_quantity', 'needs_replacement', 'no_pedigree_match', 'non_conformant', 'non_sellable_other',
    'partially_dispensed', 'recalled', 'reserved', 'retail_sold', 'returned', 'sellable_accessible',
    'sellable_not_accessible', 'stolen', 'unavailable', 'unknown',
  ],
};

export const BIZ_TRANSACTION_TYPE: Vocabulary = {
  webPrefix: `${CBV}BTT-`,
  urnPrefix: 'urn:epcglobal:cbv:btt:',
  // biome-ignore format: word lists read better packed
  words: [
    'bol', 'cert', 'desadv', 'inv', 'pedigree', 'po', 'poc', 'prodorder', 'recadv', 'rma', 'testprd',
    'testres', 'upevt',
  ],
};

export const SOURCE_DESTINATION_TYPE: Vocabulary = {
  webPrefix: `${CBV}SDT-`,
  urnPrefix: 'urn:epcglobal:cbv:sdt:',
  words: ['location', 'owning_party', 'possessing_party'],
};

export const ERROR_REASON: Vocabulary = {
  webPrefix: `${CBV}ER-`,
  urnPrefix: 'urn:epcglobal:cbv:er:',
  words: ['did_not_occur', 'incorrect_data'],
};

export const SENSOR_COMPONENT: Vocabulary = {
  webPrefix: `${CBV}Comp-`,
  // biome-ignore format: word lists read better packed
  words: [
    'altitude', 'axial_distance', 'azimuth', 'easting', 'elevation_angle', 'height', 'latitude', 'longitude',
    'northing', 'polar_angle', 'spherical_radius', 'x', 'y', 'z',
  ],
};

export const SENSOR_ALERT_TYPE: Vocabulary = {
  webPrefix: GS1_VOC,
  words: ['ALARM_CONDITION', 'ERROR_CONDITION'],
};

/** Measurement types of the GS1 Web Vocabulary (EPCIS 2.0 sensorReport `type`). */
export const MEASUREMENT_TYPE: Vocabulary = {
  webPrefix: GS1_VOC,
  // biome-ignore format: word lists read better packed
  words: [
    'AbsoluteHumidity', 'AbsorbedDose', 'AbsorbedDoseRate', 'Acceleration', 'Altitude', 'AmountOfSubstance',
    'AmountOfSubstancePerUnitVolume', 'Angle', 'AngularAcceleration', 'AngularMomentum', 'AngularVelocity',
    'Area', 'Capacitance', 'Conductance', 'Conductivity', 'Count', 'Density', 'Dimensionless',
    'DoseEquivalent', 'DoseEquivalentRate', 'DynamicViscosity', 'ElectricCharge', 'ElectricCurrent',
    'ElectricCurrentDensity', 'ElectricFieldStrength', 'Energy', 'Exposure', 'Force', 'Frequency',
    'Illuminance', 'Inductance', 'Irradiance', 'KinematicViscosity', 'Length', 'LinearMomentum', 'Luminance',
    'LuminousFlux', 'LuminousIntensity', 'MagneticFlux', 'MagneticFluxDensity', 'MagneticVectorPotential',
    'Mass', 'MassConcentration', 'MassFlowRate', 'MassPerAreaTime', 'MemoryCapacity', 'MolalityOfSolute',
    'MolarEnergy', 'MolarMass', 'MolarVolume', 'Power', 'Pressure', 'Radioactivity', 'RadiantFlux',
    'RadiantIntensity', 'RelativeHumidity', 'Resistance', 'Resistivity', 'SolidAngle', 'SpecificVolume',
    'Speed', 'SurfaceDensity', 'SurfaceTension', 'Temperature', 'Time', 'Torque', 'Voltage', 'Volume',
    'VolumeFlowRate', 'VolumeFraction', 'VolumetricFlux', 'Wavenumber',
  ],
};

/** The canonical web URI of a bare standard word, or undefined when `value` is not one. */
export function vocabularyUri(vocabulary: Vocabulary, value: string): string | undefined {
  return vocabulary.words.includes(value) ? vocabulary.webPrefix + value : undefined;
}

import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 879:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    Object.defineProperty(o, k2, { enumerable: true, get: function() { return m[k]; } });
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
// This file is auto-generated, don't edit it
/**
 * This is for OpenApi Util
 */
const $tea = __importStar(__nccwpck_require__(783));
const tea_util_1 = __importDefault(__nccwpck_require__(129));
const kitx_1 = __importDefault(__nccwpck_require__(108));
const querystring_1 = __importDefault(__nccwpck_require__(480));
const crypto_1 = __importDefault(__nccwpck_require__(982));
const PEM_BEGIN = "-----BEGIN PRIVATE KEY-----\n";
const PEM_END = "\n-----END PRIVATE KEY-----";
function replaceRepeatList(target, repeat, prefix) {
    if (prefix) {
        prefix = prefix + '.';
    }
    for (var i = 0; i < repeat.length; i++) {
        var item = repeat[i];
        let key = prefix + (i + 1);
        if (typeof item === 'undefined' || item == null) {
            continue;
        }
        if (Array.isArray(item)) {
            replaceRepeatList(target, item, key);
        }
        else if (item instanceof Object) {
            flatMap(target, item, key);
        }
        else {
            target[key] = item.toString();
        }
    }
}
function flatMap(target, params, prefix = '') {
    if (prefix) {
        prefix = prefix + '.';
    }
    params = toMap(params);
    let keys = Object.keys(params);
    for (let i = 0; i < keys.length; i++) {
        let key = keys[i];
        let value = params[key];
        key = prefix + key;
        if (typeof value === 'undefined' || value == null) {
            continue;
        }
        if (Array.isArray(value)) {
            replaceRepeatList(target, value, key);
        }
        else if (value instanceof Object) {
            flatMap(target, value, key);
        }
        else {
            target[key] = value.toString();
        }
    }
    return target;
}
function filter(value) {
    return value.replace(/[\t\n\r\f]/g, ' ');
}
function getCanonicalizedHeaders(headers) {
    const prefix = 'x-acs-';
    const keys = Object.keys(headers);
    const canonicalizedKeys = [];
    for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (key.startsWith(prefix)) {
            canonicalizedKeys.push(key);
        }
    }
    canonicalizedKeys.sort();
    var result = '';
    for (let i = 0; i < canonicalizedKeys.length; i++) {
        const key = canonicalizedKeys[i];
        result += `${key}:${filter(headers[key]).trim()}\n`;
    }
    return result;
}
function getCanonicalizedResource(uriPattern, query) {
    const keys = !query ? [] : Object.keys(query).sort();
    if (keys.length === 0) {
        return uriPattern;
    }
    var result = [];
    for (var i = 0; i < keys.length; i++) {
        const key = keys[i];
        result.push(`${key}=${query[key]}`);
    }
    return `${uriPattern}?${result.join('&')}`;
}
function getAuthorizationQueryString(query) {
    let canonicalQueryArray = [];
    const keys = !query ? [] : Object.keys(query).sort();
    for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        let param = key + '=';
        if (typeof query[key] !== 'undefined' && query[key] !== null) {
            param = param + encode(query[key]);
        }
        canonicalQueryArray.push(param);
    }
    return canonicalQueryArray.join('&');
}
function getAuthorizationHeaders(header) {
    let canonicalheaders = "";
    let tmp = {};
    const keys = !header ? [] : Object.keys(header);
    for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const lowerKey = keys[i].toLowerCase();
        if (lowerKey.startsWith("x-acs-") || lowerKey === "host" || lowerKey === "content-type") {
            if (tmp[lowerKey]) {
                tmp[lowerKey].push((header[key] || "").trim());
            }
            else {
                tmp[lowerKey] = [(header[key] || "").trim()];
            }
        }
    }
    var hsKeys = Object.keys(tmp).sort();
    for (let i = 0; i < hsKeys.length; i++) {
        const hsKey = hsKeys[i];
        let listSort = tmp[hsKey].sort();
        canonicalheaders += `${hsKey}:${listSort.join(",")}\n`;
    }
    return { canonicalheaders, hsKeys };
}
function encode(str) {
    var result = encodeURIComponent(str);
    return result.replace(/!/g, '%21')
        .replace(/'/g, '%27')
        .replace(/\(/g, '%28')
        .replace(/\)/g, '%29')
        .replace(/\*/g, '%2A');
}
function normalize(params) {
    var list = [];
    var flated = {};
    flatMap(flated, params);
    var keys = Object.keys(flated).sort();
    for (let i = 0; i < keys.length; i++) {
        var key = keys[i];
        var value = flated[key];
        list.push([encode(key), encode(value)]);
    }
    return list;
}
function canonicalize(normalized) {
    var fields = [];
    for (var i = 0; i < normalized.length; i++) {
        var [key, value] = normalized[i];
        fields.push(key + '=' + value);
    }
    return fields.join('&');
}
function isModelClass(t) {
    if (!t) {
        return false;
    }
    return typeof t.types === 'function' && typeof t.names === 'function';
}
function isObjectOrArray(t) {
    return Array.isArray(t) || (t instanceof Object && typeof t !== 'function');
}
function toMap(input) {
    if (!isObjectOrArray(input)) {
        return null;
    }
    else if (input instanceof $tea.Model) {
        return $tea.toMap(input);
    }
    else if (input && input.toMap && typeof input.toMap === 'function') {
        // 解决跨版本 Model 不互认的问题
        return input.toMap();
    }
    else if (Array.isArray(input)) {
        const result = [];
        input.forEach((value) => {
            if (isObjectOrArray(value)) {
                result.push(toMap(value));
            }
            else {
                result.push(value);
            }
        });
        return result;
    }
    else if (input instanceof Object) {
        const result = {};
        Object.entries(input).forEach(([key, value]) => {
            if (isObjectOrArray(value)) {
                result[key] = toMap(value);
            }
            else {
                result[key] = value;
            }
        });
        return result;
    }
}
class Client {
    /**
     * Convert all params of body other than type of readable into content
     * @param input source Model
     * @param output target Model
     * @return void
     */
    static convert(input, output) {
        if (!output) {
            return;
        }
        let inputModel = Object.assign({}, input);
        let constructor = output.constructor;
        let types = constructor.types();
        // let constructor = <any>output.constructor;
        for (let key of Object.keys(constructor.names())) {
            if (inputModel[key] !== null && inputModel[key] !== undefined) {
                if (isModelClass(types[key])) {
                    output[key] = new types[key](output[key]);
                    Client.convert(inputModel[key], output[key]);
                }
                else if (types[key] && types[key].type === 'array') {
                    output[key] = inputModel[key].map(function (d) {
                        if (isModelClass(types[key].itemType)) {
                            var item = new types[key].itemType({});
                            Client.convert(d, item);
                            return item;
                        }
                        return d;
                    });
                }
                else if (types[key] && types[key].type === 'map') {
                    output[key] = {};
                    Object.keys(inputModel[key]).map(function (d) {
                        if (isModelClass(types[key].valueType)) {
                            var item = new types[key].valueType({});
                            Client.convert(inputModel[key][d], item);
                            output[key][d] = item;
                        }
                        else {
                            output[key][d] = inputModel[key][d];
                        }
                    });
                }
                else {
                    output[key] = inputModel[key];
                }
            }
        }
    }
    /**
     * Get the string to be signed according to request
     * @param request  which contains signed messages
     * @return the signed string
     */
    static getStringToSign(request) {
        const method = request.method;
        const accept = request.headers['accept'];
        const contentMD5 = request.headers['content-md5'] || '';
        const contentType = request.headers['content-type'] || '';
        const date = request.headers['date'] || '';
        const header = `${method}\n${accept}\n${contentMD5}\n${contentType}\n${date}\n`;
        const canonicalizedHeaders = getCanonicalizedHeaders(request.headers);
        const canonicalizedResource = getCanonicalizedResource(request.pathname, request.query);
        return `${header}${canonicalizedHeaders}${canonicalizedResource}`;
    }
    /**
     * Get signature according to stringToSign, secret
     * @param stringToSign  the signed string
     * @param secret accesskey secret
     * @return the signature
     */
    static getROASignature(stringToSign, secret) {
        const utf8Buff = Buffer.from(stringToSign, 'utf8');
        return kitx_1.default.sha1(utf8Buff, secret, 'base64');
    }
    /**
     * Parse filter into a form string
     * @param filter object
     * @return the string
     */
    static toForm(filter) {
        if (!filter) {
            return '';
        }
        let target = {};
        flatMap(target, filter);
        return tea_util_1.default.toFormString(target);
    }
    /**
     * Get timestamp
     * @return the timestamp string
     */
    static getTimestamp() {
        let date = new Date();
        let YYYY = date.getUTCFullYear();
        let MM = kitx_1.default.pad2(date.getUTCMonth() + 1);
        let DD = kitx_1.default.pad2(date.getUTCDate());
        let HH = kitx_1.default.pad2(date.getUTCHours());
        let mm = kitx_1.default.pad2(date.getUTCMinutes());
        let ss = kitx_1.default.pad2(date.getUTCSeconds());
        return `${YYYY}-${MM}-${DD}T${HH}:${mm}:${ss}Z`;
    }
    /**
     * Parse filter into a object which's type is map[string]string
     * @param filter query param
     * @return the object
     */
    static query(filter) {
        if (!filter) {
            return {};
        }
        let ret = {};
        flatMap(ret, filter);
        return ret;
    }
    /**
     * Get signature according to signedParams, method and secret
     * @param signedParams params which need to be signed
     * @param method http method e.g. GET
     * @param secret AccessKeySecret
     * @return the signature
     */
    static getRPCSignature(signedParams, method, secret) {
        var normalized = normalize(signedParams);
        var canonicalized = canonicalize(normalized);
        var stringToSign = `${method}&${encode('/')}&${encode(canonicalized)}`;
        const key = secret + '&';
        return kitx_1.default.sha1(stringToSign, key, 'base64');
    }
    /**
     * Parse array into a string with specified style
     * @param array the array
     * @param prefix the prefix string
     * @style specified style e.g. repeatList
     * @return the string
     */
    static arrayToStringWithSpecifiedStyle(array, prefix, style) {
        if (!array) {
            return '';
        }
        if (style === 'repeatList') {
            let target = {};
            replaceRepeatList(target, array, prefix);
            return querystring_1.default.stringify(target, '&&');
        }
        else if (style === 'json') {
            return JSON.stringify(toMap(array));
        }
        else if (style === 'simple') {
            return array.join(',');
        }
        else if (style === 'spaceDelimited') {
            return array.join(' ');
        }
        else if (style === 'pipeDelimited') {
            return array.join('|');
        }
        else {
            return '';
        }
    }
    /**
     * Transform input as map.
     */
    static parseToMap(input) {
        return toMap(input);
    }
    static getEndpoint(endpoint, serverUse, endpointType) {
        if (endpointType == "internal") {
            let strs = endpoint.split(".");
            strs[0] += "-internal";
            endpoint = strs.join(".");
        }
        if (serverUse && endpointType == "accelerate") {
            return "oss-accelerate.aliyuncs.com";
        }
        return endpoint;
    }
    /**
    * Encode raw with base16
    * @param raw encoding data
    * @return encoded string
    */
    static hexEncode(raw) {
        return raw.toString("hex");
    }
    /**
     * Hash the raw data with signatureAlgorithm
     * @param raw hashing data
     * @param signatureAlgorithm the autograph method
     * @return hashed bytes
    */
    static hash(raw, signatureAlgorithm) {
        if (signatureAlgorithm === "ACS3-HMAC-SHA256" || signatureAlgorithm === "ACS3-RSA-SHA256") {
            const obj = crypto_1.default.createHash('sha256');
            obj.update(raw);
            return obj.digest();
        }
        else if (signatureAlgorithm == "ACS3-HMAC-SM3") {
            const obj = crypto_1.default.createHash('sm3');
            obj.update(raw);
            return obj.digest();
        }
    }
    static signatureMethod(secret, source, signatureAlgorithm) {
        if (signatureAlgorithm === "ACS3-HMAC-SHA256") {
            const obj = crypto_1.default.createHmac('sha256', secret);
            obj.update(source);
            return obj.digest();
        }
        else if (signatureAlgorithm === "ACS3-HMAC-SM3") {
            const obj = crypto_1.default.createHmac('sm3', secret);
            obj.update(source);
            return obj.digest();
        }
        else if (signatureAlgorithm === "ACS3-RSA-SHA256") {
            if (!secret.startsWith(PEM_BEGIN)) {
                secret = PEM_BEGIN + secret;
            }
            if (!secret.endsWith(PEM_END)) {
                secret = secret + PEM_END;
            }
            var signerObject = crypto_1.default.createSign("RSA-SHA256");
            signerObject.update(source);
            var signature = signerObject.sign({ key: secret, padding: crypto_1.default.constants.RSA_PKCS1_PADDING });
            return signature;
        }
    }
    /**
     * Get the authorization
     * @param request request params
     * @param signatureAlgorithm the autograph method
     * @param payload the hashed request
     * @param acesskey the acesskey string
     * @param accessKeySecret the accessKeySecret string
     * @return authorization string
     */
    static getAuthorization(request, signatureAlgorithm, payload, acesskey, accessKeySecret) {
        const canonicalURI = (request.pathname || "").replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
        const method = request.method;
        const canonicalQueryString = getAuthorizationQueryString(request.query);
        const tuple = getAuthorizationHeaders(request.headers);
        const canonicalheaders = tuple["canonicalheaders"];
        const signedHeaders = tuple["hsKeys"];
        const canonicalRequest = method + "\n" + canonicalURI + "\n" + canonicalQueryString + "\n" + canonicalheaders + "\n" +
            signedHeaders.join(";") + "\n" + payload;
        let raw = Buffer.from(canonicalRequest);
        const stringToSign = signatureAlgorithm + "\n" + Client.hexEncode(Client.hash(raw, signatureAlgorithm));
        const signature = Client.hexEncode(Client.signatureMethod(accessKeySecret, stringToSign, signatureAlgorithm));
        const auth = `${signatureAlgorithm} Credential=${acesskey},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
        return auth;
    }
    static getEncodePath(path) {
        if (typeof path === 'undefined' || path === null) {
            return '';
        }
        let strs = path.split('/');
        for (let i = 0; i < strs.length; i++) {
            strs[i] = encode(strs[i]);
        }
        return strs.join('/');
    }
    static getEncodeParam(param) {
        if (typeof param === 'undefined' || param === null) {
            return '';
        }
        return encode(param);
    }
    /**
     * Transform a map to a flat style map where keys are prefixed with length info.
     * Map keys are transformed from "key" to "#length#key" format.
     * @param object the input object (can be a Model, Array, Map, or other types)
     * @return the transformed object
     */
    static mapToFlatStyle(object) {
        if (object === null || object === undefined) {
            return object;
        }
        if (Array.isArray(object)) {
            const list = [];
            for (let i = 0; i < object.length; i++) {
                list.push(Client.mapToFlatStyle(object[i]));
            }
            return list;
        }
        else if (object instanceof $tea.Model || (object && object.toMap && typeof object.toMap === 'function')) {
            // Handle TeaModel instances
            const map = object instanceof $tea.Model ? $tea.toMap(object) : object.toMap();
            const result = {};
            for (const key of Object.keys(map)) {
                const value = map[key];
                if (value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) && !(value instanceof $tea.Model) && !(value.toMap && typeof value.toMap === 'function')) {
                    // It's a plain Map/object
                    const flatMap = {};
                    for (const entryKey of Object.keys(value)) {
                        flatMap[`#${entryKey.length}#${entryKey}`] = Client.mapToFlatStyle(value[entryKey]);
                    }
                    result[key] = flatMap;
                }
                else {
                    result[key] = Client.mapToFlatStyle(value);
                }
            }
            return result;
        }
        else if (typeof object === 'object') {
            // Handle plain Map/object
            const flatMap = {};
            for (const key of Object.keys(object)) {
                flatMap[`#${key.length}#${key}`] = Client.mapToFlatStyle(object[key]);
            }
            return flatMap;
        }
        return object;
    }
}
exports["default"] = Client;
//# sourceMappingURL=client.js.map

/***/ }),

/***/ 129:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    Object.defineProperty(o, k2, { enumerable: true, get: function() { return m[k]; } });
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.RuntimeOptions = exports.ExtendsParameters = void 0;
const stream_1 = __nccwpck_require__(203);
const $tea = __importStar(__nccwpck_require__(783));
const kitx = __importStar(__nccwpck_require__(108));
const querystring_1 = __importDefault(__nccwpck_require__(480));
const os_1 = __nccwpck_require__(857);
const DEFAULT_USER_AGENT = `AlibabaCloud (${os_1.platform()}; ${os_1.arch()}) Node.js/${process.version} Core/1.0.1 TeaDSL/1`;
class ExtendsParameters extends $tea.Model {
    constructor(map) {
        super(map);
    }
    static names() {
        return {
            headers: 'headers',
            queries: 'queries',
        };
    }
    static types() {
        return {
            headers: { 'type': 'map', 'keyType': 'string', 'valueType': 'string' },
            queries: { 'type': 'map', 'keyType': 'string', 'valueType': 'string' },
        };
    }
}
exports.ExtendsParameters = ExtendsParameters;
class RuntimeOptions extends $tea.Model {
    constructor(map) {
        super(map);
    }
    static names() {
        return {
            autoretry: 'autoretry',
            ignoreSSL: 'ignoreSSL',
            key: 'key',
            cert: 'cert',
            ca: 'ca',
            maxAttempts: 'max_attempts',
            backoffPolicy: 'backoff_policy',
            backoffPeriod: 'backoff_period',
            readTimeout: 'readTimeout',
            connectTimeout: 'connectTimeout',
            httpProxy: 'httpProxy',
            httpsProxy: 'httpsProxy',
            noProxy: 'noProxy',
            maxIdleConns: 'maxIdleConns',
            keepAlive: 'keepAlive',
            extendsParameters: 'extendsParameters',
        };
    }
    static types() {
        return {
            autoretry: 'boolean',
            ignoreSSL: 'boolean',
            key: 'string',
            cert: 'string',
            ca: 'string',
            maxAttempts: 'number',
            backoffPolicy: 'string',
            backoffPeriod: 'number',
            readTimeout: 'number',
            connectTimeout: 'number',
            httpProxy: 'string',
            httpsProxy: 'string',
            noProxy: 'string',
            maxIdleConns: 'number',
            keepAlive: 'boolean',
            extendsParameters: ExtendsParameters,
        };
    }
}
exports.RuntimeOptions = RuntimeOptions;
function read(readable) {
    return new Promise((resolve, reject) => {
        let onData, onError, onEnd;
        var cleanup = function () {
            // cleanup
            readable.removeListener('error', onError);
            readable.removeListener('data', onData);
            readable.removeListener('end', onEnd);
        };
        var bufs = [];
        var size = 0;
        onData = function (buf) {
            bufs.push(buf);
            size += buf.length;
        };
        onError = function (err) {
            cleanup();
            reject(err);
        };
        onEnd = function () {
            cleanup();
            resolve(Buffer.concat(bufs, size));
        };
        readable.on('error', onError);
        readable.on('data', onData);
        readable.on('end', onEnd);
    });
}
class Client {
    static toString(buff) {
        return buff.toString();
    }
    static parseJSON(text) {
        return JSON.parse(text);
    }
    static async readAsBytes(stream) {
        return await read(stream);
    }
    static async readAsString(stream) {
        let buff = await Client.readAsBytes(stream);
        return Client.toString(buff);
    }
    static async readAsJSON(stream) {
        return Client.parseJSON(await Client.readAsString(stream));
    }
    static getNonce() {
        return kitx.makeNonce();
    }
    static getDateUTCString() {
        const now = new Date();
        return now.toUTCString();
    }
    static defaultString(real, defaultValue) {
        return real || defaultValue;
    }
    static defaultNumber(real, defaultValue) {
        return real || defaultValue;
    }
    static toFormString(val) {
        return querystring_1.default.stringify(val);
    }
    static toJSONString(val) {
        if (typeof val === 'string') {
            return val;
        }
        return JSON.stringify(val);
    }
    static toBytes(val) {
        return Buffer.from(val);
    }
    static empty(val) {
        return !val;
    }
    static equalString(val1, val2) {
        return val1 === val2;
    }
    static equalNumber(val1, val2) {
        return val1 === val2;
    }
    static isUnset(value) {
        if (typeof value === 'undefined') {
            return true;
        }
        if (value === null) {
            return true;
        }
        return false;
    }
    static stringifyMapValue(m) {
        if (!m) {
            return m;
        }
        const result = {};
        for (const [key, value] of Object.entries(m)) {
            if (typeof value === 'undefined' || value === null) {
                continue;
            }
            result[key] = String(value);
        }
        return result;
    }
    static anyifyMapValue(m) {
        return m;
    }
    static assertAsBoolean(value) {
        if (typeof value === 'boolean') {
            return value;
        }
        throw new Error(`The value is not a boolean`);
    }
    static assertAsString(value) {
        if (typeof value === 'string') {
            return value;
        }
        throw new Error(`The value is not a string`);
    }
    static assertAsNumber(value) {
        if (typeof value === 'number') {
            return value;
        }
        throw new Error(`The value is not a number`);
    }
    /**
     * Assert a value, if it is a integer, return it, otherwise throws
     * @return the integer value
     */
    static assertAsInteger(value) {
        if (Number.isInteger(value)) {
            return value;
        }
        throw new Error(`The value is not a int number`);
    }
    static assertAsMap(value) {
        if (value && typeof value === 'object' && !Array.isArray(value)) {
            return value;
        }
        throw new Error(`The value is not a object`);
    }
    static assertAsArray(value) {
        if (Array.isArray(value)) {
            return value;
        }
        throw new Error(`The value is not array`);
    }
    static assertAsBytes(value) {
        if (Buffer.isBuffer(value)) {
            return value;
        }
        throw new Error(`The value is not bytes`);
    }
    static getUserAgent(userAgent) {
        if (!userAgent || !userAgent.length) {
            return DEFAULT_USER_AGENT;
        }
        return DEFAULT_USER_AGENT + " " + userAgent;
    }
    static is2xx(code) {
        return code >= 200 && code < 300;
    }
    static is3xx(code) {
        return code >= 300 && code < 400;
    }
    static is4xx(code) {
        return code >= 400 && code < 500;
    }
    static is5xx(code) {
        return code >= 500 && code < 600;
    }
    static validateModel(m) {
    }
    static toMap(inputModel) {
        return $tea.toMap(inputModel);
    }
    static async sleep(millisecond) {
        return new Promise(resolve => {
            setTimeout(() => {
                resolve();
            }, millisecond);
        });
    }
    static toArray(input) {
        if (!(input instanceof Array)) {
            return null;
        }
        let ret = [];
        input.forEach((model) => {
            if (!model) {
                return;
            }
            ret.push($tea.toMap(model));
        });
        return ret;
    }
    /**
     * Assert a value, if it is a readable, return it, otherwise throws
     * @return the readable value
     */
    static assertAsReadable(value) {
        if (value instanceof stream_1.Readable) {
            return value;
        }
        throw new Error(`The value is not a readable`);
    }
}
exports["default"] = Client;
//# sourceMappingURL=client.js.map

/***/ }),

/***/ 108:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



const fs = __nccwpck_require__(896);
const os = __nccwpck_require__(857);
const crypto = __nccwpck_require__(982);

/**
 * Load *.json file synchronous. Don't use require('*.json')
 * to load *.json files, it will cached in process.
 * @param {String} filename absolute file path
 * @return {Object} a parsed object
 */
exports.loadJSONSync = function (filename) {
  // strip BOM
  var content = fs.readFileSync(filename, 'utf8');
  if (content.charCodeAt(0) === 0xFEFF) {
    content = content.slice(1);
  }
  try {
    return JSON.parse(content);
  } catch (err) {
    err.message = filename + ': ' + err.message;
    throw err;
  }
};

/**
 * Encoding a string to Buffer safely
 * @param {String} str string.
 * @param {String} encoding. optional.
 * @return {Buffer} encoded buffer
 */
exports.encode = function (str, encoding) {
  if (typeof str !== 'string') {
    str = '' + str;
  }

  return Buffer.from(str, encoding);
};

/**
 * Generate a haser with specfied algorithm
 * @param {String} algorithm can be md5, etc.
 * @return {Function} a haser with specfied algorithm
 */
exports.makeHasher = function (algorithm) {
  return function (data, encoding) {
    var shasum = crypto.createHash(algorithm);
    shasum.update(data);
    return shasum.digest(encoding);
  };
};

exports.createHash = exports.makeHasher;

/**
 * Get md5 hash digests of data
 * @param {String|Buffer} data data.
 * @param {String} encoding optional. can be 'hex', 'binary', 'base64'.
 * @return {String|Buffer} if no encoding is provided, a buffer is returned.
 */
exports.md5 = exports.makeHasher('md5');

/**
 * Get sha1 hash digests of data
 * @param {String|Buffer} data data.
 * @param {String} key the key.
 * @param {String} encoding optionnal. can be 'hex', 'binary', 'base64'.
 * @return {String|Buffer} if no encoding is provided, a buffer is returned.
 */
exports.createHmac = function (algorithm) {
  return function (data, key, encoding) {
    return crypto.createHmac(algorithm, key).update(data).digest(encoding);
  };
};

/**
 * Get sha1 hash digests of data
 * @param {String|Buffer} data data.
 * @param {String} key the key.
 * @param {String} encoding optionnal. can be 'hex', 'binary', 'base64'.
 * @return {String|Buffer} if no encoding is provided, a buffer is returned.
 */
exports.sha1 = exports.createHmac('sha1');

/**
 * Get a random value in a range
 * @param {Number} min range start.
 * @param {Number} max range end.
 */
exports.random = function (min, max) {
  return Math.floor(min + Math.random() * (max - min));
};

/**
 * Generate a nonce string
 * @return {String} a nonce string.
 */
exports.makeNonce = (function () {
  var counter = 0;
  var last;
  const machine = os.hostname();
  const pid = process.pid;

  return function () {
    var val = Math.floor(Math.random() * 1000000000000);
    if (val === last) {
      counter++;
    } else {
      counter = 0;
    }

    last = val;

    var uid = `${machine}${pid}${val}${counter}`;
    return exports.md5(uid, 'hex');
  };
}());

/**
 * Pad a number as \d\d format
 * @param {Number} num a number that less than 100.
 * @return {String} if number less than 10, pad with 0,
 *  otherwise, returns string of number.
 */
exports.pad2 = function (num) {
  if (num < 10) {
    return '0' + num;
  }
  return '' + num;
};

/**
 * Pad a number as \d\d\d format
 * @param {Number} num a number that less than 1000.
 * @return {String} if number less than 100, pad with 0,
 *  otherwise, returns string of number.
 */
exports.pad3 = function (num) {
  if (num < 10) {
    return '00' + num;
  } else if (num < 100) {
    return '0' + num;
  }
  return '' + num;
};

/**
 * Return the YYYYMMDD format of a date.
 * @param {Date} date a Date object.
 * @return {String} the YYYYMMDD format.
 */
exports.getYYYYMMDD = function (date) {
  var YYYY = date.getFullYear();
  var MM = exports.pad2(date.getMonth() + 1);
  var DD = exports.pad2(date.getDate());
  return '' + YYYY + MM + DD;
};

/**
 * sleep a while.
 * @param {Number} in milliseconds
 * @return {Promise} a Promise
 */
exports.sleep = function (ms) {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
};

/**
 * Get the IPv4 address
 * @return {String} the IPv4 address, or empty string
 */
exports.getIPv4 = function () {
  var interfaces = os.networkInterfaces();
  var keys = Object.keys(interfaces);
  for (var i = 0; i < keys.length; i++) {
    var key = keys[i];
    var addresses = interfaces[key];
    for (var j = 0; j < addresses.length; j++) {
      var item = addresses[j];
      if (!item.internal && item.family === 'IPv4') {
        return item.address;
      }
    }
  }

  // without non-internal address
  return '';
};

/**
 * Get the Mac address
 * @return {String} the Mac address
 */
exports.getMac = function () {
  var interfaces = os.networkInterfaces();
  var keys = Object.keys(interfaces);
  for (var i = 0; i < keys.length; i++) {
    var key = keys[i];
    var addresses = interfaces[key];
    for (var j = 0; j < addresses.length; j++) {
      var item = addresses[j];
      if (!item.internal && item.family === 'IPv4') {
        return item.mac;
      }
    }
  }

  // without non-internal address
  return '00:00:00:00:00:00';
};

/**
 * Read all bytes from a readable
 * @return {Readable} the readable stream
 * @return {Promise} a Promise with all bytes
 */
exports.readAll = function (readable) {
  return new Promise((resolve, reject) => {
    var onError, onData, onEnd;
    var cleanup = function (err) {
      // cleanup
      readable.removeListener('error', onError);
      readable.removeListener('data', onData);
      readable.removeListener('end', onEnd);
    };

    var bufs = [];
    var size = 0;

    onData = function (buf) {
      bufs.push(buf);
      size += buf.length;
    };

    onError = function (err) {
      cleanup();
      reject(err);
    };

    onEnd = function () {
      cleanup();
      resolve(Buffer.concat(bufs, size));
    };

    readable.on('error', onError);
    readable.on('data', onData);
    readable.on('end', onEnd);
  });
};

class SimpleCryptoHelper {
  constructor(algorithm, key, iv) {
    this.algorithm = algorithm;
    this.key = key;
    this.iv = iv;
  }

  encrypt(data, inputEncoding, outputEncoding) {
    const cipher = crypto.createCipheriv(this.algorithm, this.key, this.iv);
    let output = cipher.update(data, inputEncoding, outputEncoding);
    output += cipher.final(outputEncoding);
    return output;
  }

  decrypt(encrypted, inputEncoding, outputEncoding) {
    const decipher = crypto.createDecipheriv(this.algorithm, this.key, this.iv);
    let output = decipher.update(encrypted, inputEncoding, outputEncoding);
    output += decipher.final(outputEncoding);
    return output;
  }
}

// a simple helper for AES-192
const helper = new SimpleCryptoHelper(
  'aes-192-cbc',
  Buffer.from('keykeykeykeykeykeykeykey'), // 24 bytes, 192 bits
  Buffer.from('abcdefghijklmnop') // 16 bytes
);

exports.encrypt = function (data, inputEncoding, outputEncoding) {
  return helper.encrypt(data, inputEncoding, outputEncoding);
}

exports.decrypt = function (encrypted, inputEncoding, outputEncoding) {
  return helper.decrypt(encrypted, inputEncoding, outputEncoding);
}


/***/ }),

/***/ 661:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _post_cleanup_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(699);

await (0,_post_cleanup_js__WEBPACK_IMPORTED_MODULE_0__/* .cleanup */ .t)();
// Nothing is left to do: a socket a proxy never answered must not keep the step alive.
process.exit();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 699:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  t: () => (/* binding */ cleanup)
});

// UNUSED EXPORTS: POST_CANCEL_BUDGET_MS

;// CONCATENATED MODULE: ./src/net/errors.ts
/**
 * What can go wrong with one HTTP exchange before there is an answer to read,
 * as one error type with a kind: classification reads the kind, never the text.
 */
/** The code of an exchange not sent because the deadline left no time for it. */
const DEADLINE = 'DeadlineReached';
class TransportError extends Error {
    kind;
    code;
    reached;
    proxy;
    proxyStatus;
    constructor(facts, message) {
        super(message);
        this.name = 'TransportError';
        this.kind = facts.kind;
        this.code = facts.code;
        this.reached = facts.reached;
        this.proxy = facts.proxy;
        this.proxyStatus = facts.proxyStatus;
    }
}
/** Failures of the connection itself, in plain words. */
const NETWORK_WORDS = {
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    ECONNABORTED: 'the connection was aborted',
    EPIPE: 'the connection was closed while sending',
    ETIMEDOUT: 'the connection timed out',
    EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
    ENOTFOUND: 'the host name could not be resolved',
    ENETUNREACH: 'the network is unreachable',
    EHOSTUNREACH: 'the host is unreachable'
};
/** Errors raised before a connection exists: the request cannot have reached the server. */
const BEFORE_CONNECT = new Set([
    'ECONNREFUSED',
    'EAI_AGAIN',
    'ENOTFOUND',
    'ENETUNREACH',
    'EHOSTUNREACH'
]);
/** Node's own error, turned into a TransportError by its code. */
function fromSocketError(error, sent, proxy) {
    if (error instanceof TransportError)
        return error;
    const code = typeof error.code === 'string' ? error.code : undefined;
    if (code?.startsWith('HPE_'))
        return new TransportError({ kind: 'framing', code, reached: true, proxy }, `the answer is not well-formed HTTP (${code})`);
    if (code && isTlsCode(code))
        return new TransportError({ kind: 'tls', code, reached: false, proxy }, `the server's TLS certificate was not accepted (${code}); if a proxy inspects TLS, give its CA certificate in NODE_EXTRA_CA_CERTS`);
    const words = code ? NETWORK_WORDS[code] : undefined;
    return new TransportError({
        kind: 'network',
        code: code ?? 'ConnectionError',
        reached: !BEFORE_CONNECT.has(code ?? '') && sent,
        proxy
    }, words ?? 'the connection was closed before an answer came');
}
function isTlsCode(code) {
    return (/^(ERR_TLS_|ERR_SSL_)/.test(code) ||
        /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT)|DEPTH_ZERO/.test(code));
}

;// CONCATENATED MODULE: ./src/api/hints.ts
/** What to check, by the error's code: the last words of every API error. */
const HINTS = [
    [
        /^(AuthenticationFail\..*|EntityNotExist\.(Role|OIDCProvider)|InvalidParameter\.(RoleSessionName|DurationSeconds))$/,
        "check role-to-assume and oidc-provider-arn, and that the role's trust policy accepts this repository's GitHub ID token (issuer, audience, subject)"
    ],
    [
        /^InvalidImagePipeline\.NotFound$/,
        'check the image pipeline ID and that region-id is the region it lives in'
    ],
    [/^InvalidRegionId\.NotFound$/, 'check region-id'],
    [
        /^(SignatureDoesNotMatch|InvalidAccessKeyId\.NotFound|InvalidAccessKeyId|IncompleteSignature|InvalidAccessKeySecret)$/,
        'check the credentials: the AccessKey ID and secret must belong together and be enabled'
    ],
    [
        /^(InvalidTimeStamp\..*|RequestTimeTooSkewed|InvalidTimestamp.*|SignatureNonceUsed|IllegalTimestamp)$/,
        "check the runner's clock: requests are signed with its time, which must be within 15 minutes of the service's (is NTP running?)"
    ],
    [
        /^(InvalidSecurityToken\.(Expired|Malformed|MismatchWithAccessKey)|SecurityTokenExpired)$/,
        'the STS security token is expired or invalid; static STS credentials cannot be renewed, so use role-to-assume (GitHub OIDC) for builds that outlast them'
    ],
    [
        /^(Forbidden\.RAM|Forbidden|NoPermission|Forbidden\.AccessDenied)$/,
        'the RAM identity needs ecs:StartImagePipelineExecution, ecs:DescribeImagePipelineExecutions, ecs:DescribeImagePipelines and ecs:CancelImagePipelineExecution'
    ],
    [
        /^InvalidImagePipeline\.HasRunningExecution$/,
        'the pipeline already has a running execution; set if-running to wait or attach'
    ],
    [
        /Throttling/,
        "the account's API rate quota is shared with other runs, the console and other tools; fewer concurrent builds or a higher quota leave more of it (about 40 waiting builds per call a second; a longer max-poll-interval helps the waits a little)"
    ],
    [/^InvalidTag(Key|Value)\.Malformed|Duplicate\.TagKey$/, 'check the tags input'],
    [
        /^Invalid(Image|ImagePipeline)\.(BaseImageNotFound|NotFound|OSSObject.*)|InvalidImage\..*$/,
        'check the image pipeline (image template) settings in the ECS console'
    ],
    [
        /^(InvalidVSwitchId\.NotFound|InvalidInstanceType\.NotFound)$/,
        "check the pipeline's vSwitch and instance type"
    ],
    [
        /^ProxyRefused\.HTTP407$/,
        'the proxy asks for credentials: give them in the proxy URL (https_proxy=http://user:password@host:port)'
    ],
    [
        /^ProxyRefused\./,
        'check HTTPS_PROXY / HTTP_PROXY, and that the proxy may reach the host; NO_PROXY lists hosts reached directly'
    ],
    [
        /^(RequestTimeout|ConnectionError|ECONN(RESET|REFUSED|ABORTED)|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|HPE_.*)$/,
        'check that the runner reaches the endpoint (region-id, endpoint, firewall, HTTPS_PROXY / NO_PROXY)'
    ]
];
function hintFor(code) {
    return HINTS.find(([pattern]) => pattern.test(code))?.[1];
}

;// CONCATENATED MODULE: ./src/api/errors.ts
/**
 * Errors the action raises. An ApiError carries what a user needs to act: the
 * operation, the resource, the API's code and message, the RequestId (what the
 * vendor's support asks for), and what to check. Whether retrying may help is
 * decided from the error's type and the answer's shape (api/answer.ts), never
 * by searching its text.
 */


class InputError extends Error {
    input;
    constructor(input, problem) {
        super(`Input "${input}" ${problem}`);
        this.input = input;
        this.name = 'InputError';
    }
}
class ApiError extends Error {
    operation;
    code;
    apiMessage;
    requestId;
    statusCode;
    resource;
    recommend;
    accessDeniedDetail;
    transient;
    throttled;
    retryAfterMs;
    reached;
    constructor(details) {
        const hint = hintFor(details.code);
        const parts = [
            `${details.operation}${details.resource ? ` (${details.resource})` : ''} failed: ${details.code}: ${details.message}`,
            details.requestId ? ` (RequestId: ${details.requestId})` : '',
            details.accessDeniedDetail ? `. Denied: ${details.accessDeniedDetail}` : '',
            hint ? `. Check: ${hint}` : '',
            details.recommend ? `. Recommend: ${details.recommend}` : ''
        ];
        super(parts.join(''));
        this.name = 'ApiError';
        this.operation = details.operation;
        this.code = details.code;
        this.apiMessage = details.message;
        this.requestId = details.requestId;
        this.statusCode = details.statusCode;
        this.resource = details.resource;
        this.recommend = details.recommend;
        this.accessDeniedDetail = details.accessDeniedDetail;
        this.transient = details.transient;
        this.throttled = details.throttled;
        this.retryAfterMs = details.retryAfterMs;
        this.reached = details.reached ?? true;
    }
    /** The same error with some details changed (its message rebuilt from them). */
    with(change) {
        return new ApiError({ ...this.details(), ...change });
    }
    details() {
        return {
            operation: this.operation,
            code: this.code,
            message: this.apiMessage,
            requestId: this.requestId,
            statusCode: this.statusCode,
            resource: this.resource,
            recommend: this.recommend,
            accessDeniedDetail: this.accessDeniedDetail,
            transient: this.transient,
            throttled: this.throttled,
            retryAfterMs: this.retryAfterMs,
            reached: this.reached
        };
    }
}
/** An answer that parsed but lacks what it must hold: worth a retry (a proxy's page, a cut body). */
function unparsable(operation, what, resource) {
    return new ApiError({
        operation,
        code: 'UnparsableResponse',
        message: what,
        resource,
        transient: true,
        throttled: false
    });
}
/** An answer whose content breaks the API's own rules (an ID that is not an ID): refused. */
function malformed(operation, what, resource) {
    return new ApiError({
        operation,
        code: 'MalformedResponse',
        message: what,
        resource,
        transient: false,
        throttled: false
    });
}
/** What a TransportError means for a retry: only a certificate, a cap or a deadline is final. */
const TRANSIENT_KINDS = new Set(['timeout', 'network', 'framing', 'encoding']);
/**
 * Whatever a call threw, as an ApiError: an ApiError as it is, a failed
 * exchange by its kind, anything else (a bug, not an answer) as it is, final.
 * `where` names the service and host for a failed exchange.
 */
function toApiError(operation, thrown, resource, where) {
    if (thrown instanceof ApiError)
        return thrown;
    if (thrown instanceof TransportError)
        return transportError(operation, thrown, resource, where);
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    return new ApiError({
        operation,
        code: error.name || 'Error',
        message: error.message,
        resource,
        transient: false,
        throttled: false
    });
}
function transportError(operation, error, resource, where) {
    const proxyStatus = error.proxyStatus;
    return new ApiError({
        operation,
        code: error.kind === 'proxy' ? `ProxyRefused.HTTP${proxyStatus}` : (error.code ?? error.kind),
        message: `${error.message}${where ? ` (${where}${error.proxy ? `, through the proxy ${error.proxy}` : ''})` : ''}`,
        resource,
        transient: TRANSIENT_KINDS.has(error.kind) ||
            (error.kind === 'proxy' && proxyStatus !== undefined && proxyStatus >= 500),
        throttled: false,
        reached: error.reached
    });
}
/** The message of anything thrown. */
function describeError(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}

;// CONCATENATED MODULE: ./src/clock.ts
const systemClock = {
    now: () => performance.now(),
    wall: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve) => {
        if (signal?.aborted || ms <= 0)
            return resolve();
        const onAbort = () => {
            clearTimeout(timer);
            resolve();
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
    })
};

;// CONCATENATED MODULE: external "node:async_hooks"
const external_node_async_hooks_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: ./src/net/compact-json.ts
/**
 * A large JSON answer, made small as it streams in (./body.ts uses it for any
 * body over 64 KiB): whitespace between tokens dropped, every string cut after
 * MAX_STRING_BYTES of content at a whole character or escape, and what is left
 * must fit in MAX_CONTENT_BYTES with at most MAX_VALUES values, or it
 * overflows. So JSON.parse never sees more than 2 MiB or 25,000 values of
 * one answer, whatever the service sent: a page of 100 executions or
 * pipelines, the most the action asks for, holds a few thousand.
 *
 * No text the action reads is near MAX_STRING_BYTES: IDs, tokens and keys are
 * far shorter. Texts shown to people (`Message`, `ErrorInfo`) are shown up to
 * 4,096 characters; in an answer over 64 KiB, one in another script, or full
 * of escapes, shows fewer. A pipeline's `BuildContent` and `TestContent` (up
 * to 16 KB each, never read) are what make a healthy page of 100 pipelines
 * large: cut, such a page keeps under 1 MiB, escaped or not.
 *
 * It only drops bytes JSON ignores, or the end of an over-long string: a valid
 * body parses to the same value, strings cut aside; an invalid one stays
 * invalid, unless what made it invalid was in the part of a string cut off.
 */
/** The bytes of one string's content that are kept. */
const MAX_STRING_BYTES = 4 * 1024;
/** What is left: at most this many bytes and values. */
const MAX_CONTENT_BYTES = 2 * 1024 * 1024;
const MAX_VALUES = 25_000;
/** `…` as a JSON escape: the end of a string that was cut. */
const CUT_MARK = Buffer.from('\\u2026');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LETTER_U = 0x75;
const COLON = 0x3a;
/** What is left would be larger than the bound. */
class Overflow extends Error {
}
function isWhitespace(byte) {
    return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}
function isHexDigit(byte) {
    return ((byte >= 0x30 && byte <= 0x39) ||
        (byte >= 0x41 && byte <= 0x46) ||
        (byte >= 0x61 && byte <= 0x66));
}
/** Bytes of a number or a literal: two of them that whitespace kept apart stay apart. */
function isWord(byte) {
    return ((byte >= 0x30 && byte <= 0x39) ||
        (byte >= 0x41 && byte <= 0x5a) ||
        (byte >= 0x61 && byte <= 0x7a) ||
        byte === 0x2b ||
        byte === 0x2d ||
        byte === 0x2e);
}
/** `\\uD800` to `\\uDBFF`: the first half of a pair, which must not be kept alone. */
function isHighSurrogateEscape(unit) {
    if (unit.length !== 6 || unit[0] !== BACKSLASH || unit[1] !== LETTER_U)
        return false;
    const value = parseInt(String.fromCharCode(...unit.slice(2)), 16);
    return value >= 0xd800 && value <= 0xdbff;
}
/** A byte inside a string that is a whole character and ends nothing: ASCII, no quote or backslash. */
function isPlain(byte) {
    return byte < 0x80 && byte !== QUOTE && byte !== BACKSLASH;
}
/** The bytes a UTF-8 character that starts with `lead` takes (1 for a stray byte). */
function charLength(lead) {
    return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}
class CompactJson {
    /** Grown as needed: most bodies that pass through are mostly whitespace or cut text. */
    out = Buffer.allocUnsafe(64 * 1024);
    length = 0;
    values = 0;
    inString = false;
    spaced = false;
    /** Of the current string: content bytes kept, and whether it was cut. */
    kept = 0;
    cut = false;
    /** The escape or character being read inside a string (a chunk may end in it). */
    unit = [];
    /** In a string that was cut, the byte after a backslash is skipped, a quote too. */
    skipNext = false;
    write(chunk) {
        let i = 0;
        while (i < chunk.length) {
            if (!this.inString)
                this.tokenByte(chunk[i++]);
            else if (this.cut)
                i = this.skipCut(chunk, i);
            else if (this.unit.length === 0 && isPlain(chunk[i]))
                i = this.copyPlain(chunk, i);
            else
                this.stringByte(chunk[i++]);
        }
    }
    /** A run of plain ASCII inside a string, copied at once while there is room. */
    copyPlain(chunk, start) {
        let end = start;
        while (end < chunk.length && isPlain(chunk[end]))
            end++;
        const room = MAX_STRING_BYTES - this.kept;
        const take = Math.min(end - start, room);
        this.push(chunk.subarray(start, start + take));
        this.kept += take;
        if (take === end - start)
            return end;
        this.cut = true;
        this.push(CUT_MARK);
        return start + take;
    }
    /**
     * The rest of a string that was cut: skipped to its closing quote, escapes
     * and all. The quote is searched for once per chunk, and again only once an
     * escape took it: a chunk of backslashes costs one pass, not one per escape.
     */
    skipCut(chunk, start) {
        let i = start;
        if (this.skipNext) {
            this.skipNext = false;
            i++;
        }
        let quote = chunk.indexOf(QUOTE, i);
        for (;;) {
            const backslash = chunk.indexOf(BACKSLASH, i);
            if (backslash < 0 || (quote >= 0 && quote < backslash))
                break;
            if (backslash + 1 >= chunk.length) {
                this.skipNext = true;
                return chunk.length;
            }
            i = backslash + 2;
            if (quote >= 0 && quote < i)
                quote = chunk.indexOf(QUOTE, i);
        }
        if (quote < 0)
            return chunk.length;
        this.closeString();
        return quote + 1;
    }
    /** What is left, once the whole body was written. */
    end() {
        if (this.unit.length > 0)
            this.flushUnit();
        return this.out.subarray(0, this.length);
    }
    push(bytes) {
        const needed = this.length + bytes.length;
        if (needed > MAX_CONTENT_BYTES)
            throw new Overflow(`over ${MAX_CONTENT_BYTES / 1048576} MiB of JSON`);
        if (needed > this.out.length)
            this.grow(needed);
        if (Buffer.isBuffer(bytes))
            this.length += bytes.copy(this.out, this.length);
        else
            for (let i = 0; i < bytes.length; i++)
                this.out[this.length++] = bytes[i];
    }
    grow(needed) {
        let size = this.out.length;
        while (size < needed)
            size *= 2;
        const larger = Buffer.allocUnsafe(Math.min(size, MAX_CONTENT_BYTES));
        this.out.copy(larger, 0, 0, this.length);
        this.out = larger;
    }
    /** Outside strings: whitespace dropped, a string opened, values counted. */
    tokenByte(byte) {
        if (isWhitespace(byte)) {
            this.spaced = true;
            return;
        }
        const last = this.out[this.length - 1];
        if (this.spaced && this.length > 0 && isWord(byte) && isWord(last))
            this.push([0x20]);
        this.spaced = false;
        // A cut key could merge with another cut the same way: members would vanish.
        if (byte === COLON && this.cut)
            throw new Overflow(`a key over ${MAX_STRING_BYTES / 1024} KiB`);
        // A `[`, `{` or `,` begins a value (or a key): counting them bounds the tree.
        if ((byte === 0x5b || byte === 0x7b || byte === 0x2c) && ++this.values > MAX_VALUES)
            throw new Overflow(`over ${MAX_VALUES.toLocaleString('en-US')} JSON values`);
        if (byte === QUOTE) {
            this.inString = true;
            this.kept = 0;
            this.cut = false;
        }
        this.push([byte]);
    }
    /** Inside a string: whole escapes and characters, kept while there is room. */
    stringByte(byte) {
        if (this.unit.length > 0) {
            if (this.continues(byte)) {
                this.unit.push(byte);
                if (this.unitDone())
                    this.flushUnit();
                return;
            }
            this.flushUnit();
            if (this.cut)
                return this.cutByte(byte);
        }
        if (byte === QUOTE)
            return this.closeString();
        this.unit.push(byte);
        if (this.unitDone())
            this.flushUnit();
    }
    /** A byte of a string that was cut, met outside skipCut: it only matters as a quote or an escape. */
    cutByte(byte) {
        if (byte === QUOTE)
            this.closeString();
        else if (byte === BACKSLASH)
            this.skipNext = true;
    }
    closeString() {
        this.inString = false;
        this.push([QUOTE]);
    }
    /** Whether `byte` belongs to the escape or character being read. */
    continues(byte) {
        if (this.unit[0] !== BACKSLASH)
            return (byte & 0xc0) === 0x80;
        // Any byte after a backslash (a quote too); after \u, hex digits only.
        return this.unit.length === 1 || (this.unit[1] === LETTER_U && isHexDigit(byte));
    }
    unitDone() {
        const [first, second] = this.unit;
        if (first !== BACKSLASH)
            return this.unit.length >= charLength(first);
        if (this.unit.length < 2)
            return false;
        return second === LETTER_U ? this.unit.length === 6 : true;
    }
    flushUnit() {
        // A high surrogate's escape is kept only with room for its low one after it.
        const needs = this.unit.length + (isHighSurrogateEscape(this.unit) ? 6 : 0);
        if (!this.cut && this.kept + needs <= MAX_STRING_BYTES) {
            this.push(this.unit);
            this.kept += this.unit.length;
        }
        else if (!this.cut) {
            this.cut = true;
            this.push(CUT_MARK);
        }
        this.unit = [];
    }
}

;// CONCATENATED MODULE: ./src/net/reclaim.ts
/** What holding one piece costs beyond its bytes: a Buffer and its backing store. */
const PIECE_COST = 1024;
/** A body counted past this is large (./body.ts compacts it past the same size). */
const LARGE_BYTES = 64 * 1024;
/** A young-generation collection after each of these many bytes counted. */
const RECLAIM_EVERY_BYTES = 1024 * 1024;
/** The young generation's size past which a large body first gives the growth back. */
const YOUNG_BYTES = 4 * 1024 * 1024;
let collect;
function builtin(name) {
    try {
        return process.getBuiltinModule(name);
    }
    catch {
        return undefined;
    }
}
function collector() {
    if (collect !== undefined)
        return collect;
    collect = null;
    const v8 = builtin('node:v8');
    const vm = builtin('node:vm');
    if (!v8 || !vm)
        return collect;
    try {
        v8.setFlagsFromString('--expose-gc');
        const found = vm.runInNewContext('gc');
        if (typeof found === 'function')
            collect = found;
    }
    catch {
        // Nothing is collected early.
    }
    finally {
        v8.setFlagsFromString('--no-expose-gc');
    }
    return collect;
}
function youngGenerationBytes() {
    const spaces = builtin('node:v8')?.getHeapSpaceStatistics() ?? [];
    return spaces.find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
/** Counts the pieces of one body, and collects as it goes. */
class Reclaimer {
    counted = 0;
    since = 0;
    count(bytes) {
        const cost = bytes + PIECE_COST;
        const wasLarge = this.counted > LARGE_BYTES;
        this.counted += cost;
        this.since += cost;
        if (!wasLarge && this.counted > LARGE_BYTES && youngGenerationBytes() > YOUNG_BYTES)
            collector()?.({ type: 'major', flavor: 'last-resort' });
        if (this.since < RECLAIM_EVERY_BYTES)
            return;
        this.since = 0;
        collector()?.({ type: 'minor' });
    }
}

;// CONCATENATED MODULE: ./src/net/body.ts



const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Bodies up to this size are kept as they are. */
const AS_IS_BYTES = LARGE_BYTES;
/** Over the bound: refused on a success status, dropped on an error status. */
function overBound(status, why) {
    if (status >= 400)
        return { bytes: Buffer.alloc(0), dropped: why };
    throw new TransportError({ kind: 'too-large', code: 'ResponseTooLarge', reached: true }, `the answer is ${why}; it was refused`);
}
/**
 * The body's bytes as they come (decompressed): copied while small (however
 * many pieces they come in, no piece is held), then compacted.
 */
class Collector {
    kept = Buffer.allocUnsafe(4096);
    size = 0;
    compact;
    /** Throws an Overflow past the bound. */
    add(chunk) {
        const at = this.size;
        this.size += chunk.length;
        if (this.size > MAX_RESPONSE_BYTES)
            throw new Overflow(`over ${MAX_RESPONSE_BYTES / 1048576} MiB`);
        if (this.compact)
            return this.compact.write(chunk);
        if (this.size <= AS_IS_BYTES) {
            if (this.size > this.kept.length)
                this.grow(at);
            chunk.copy(this.kept, at);
            return;
        }
        this.compact = new CompactJson();
        this.compact.write(this.kept.subarray(0, at));
        this.compact.write(chunk);
        this.kept = Buffer.alloc(0);
    }
    /** Room for `this.size` bytes, `used` of them kept so far. */
    grow(used) {
        let size = this.kept.length;
        while (size < this.size)
            size *= 4;
        const larger = Buffer.allocUnsafe(Math.min(size, AS_IS_BYTES));
        this.kept.copy(larger, 0, 0, used);
        this.kept = larger;
    }
    bytes() {
        return this.compact ? this.compact.end() : this.kept.subarray(0, this.size);
    }
}
function encodingOf(headers) {
    const encoding = String(headers['content-encoding'] ?? '')
        .trim()
        .toLowerCase();
    return encoding === 'identity' ? '' : encoding;
}
/** A streaming inflater for an encoding; zlib loads only when an answer comes compressed. */
async function inflaterFor(encoding) {
    if (!['gzip', 'x-gzip', 'deflate', 'br'].includes(encoding))
        throw new TransportError({ kind: 'encoding', code: 'UnknownEncoding', reached: true }, `the answer came in an encoding that was not asked for (${encoding.slice(0, 20)})`);
    const zlib = await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 522, 23));
    if (encoding === 'deflate')
        return zlib.createInflate();
    return encoding === 'br' ? zlib.createBrotliDecompress() : zlib.createGunzip();
}
function badEncoding(encoding) {
    return new TransportError({ kind: 'encoding', code: 'BadEncoding', reached: true }, `the answer's ${encoding} body could not be inflated`);
}
/** The body, within the bound. */
async function readBody(incoming) {
    const encoding = encodingOf(incoming.headers);
    const inflater = encoding ? await inflaterFor(encoding) : undefined;
    return new Promise((resolve, reject) => {
        const reclaimer = new Reclaimer();
        const collector = new Collector();
        let wire = 0;
        let settled = false;
        const settle = (outcome, stop) => {
            if (settled)
                return;
            settled = true;
            if (stop) {
                incoming.destroy();
                inflater?.destroy();
            }
            try {
                resolve(outcome());
            }
            catch (error) {
                reject(error);
            }
        };
        const fail = (error) => settle(() => {
            throw error;
        }, true);
        const take = (chunk) => {
            try {
                collector.add(chunk);
            }
            catch (error) {
                if (error instanceof Overflow)
                    settle(() => overBound(incoming.statusCode ?? 0, error.message), true);
                else
                    fail(error);
            }
        };
        incoming.on('data', (chunk) => {
            wire += chunk.length;
            reclaimer.count(chunk.length);
            if (wire > MAX_RESPONSE_BYTES)
                settle(() => overBound(incoming.statusCode ?? 0, 'over 16 MiB on the wire'), true);
            else if (!inflater)
                take(chunk);
        });
        const source = inflater ? incoming.pipe(inflater) : incoming;
        if (inflater) {
            inflater.on('data', (chunk) => {
                reclaimer.count(chunk.length);
                take(chunk);
            });
            // No body at all (a 204, an empty 503) says nothing about its encoding.
            inflater.on('error', () => wire === 0 ? settle(() => ({ bytes: Buffer.alloc(0) }), false) : fail(badEncoding(encoding)));
        }
        source.on('end', () => settle(() => ({ bytes: collector.bytes() }), false));
        incoming.on('aborted', () => fail(Object.assign(new Error('the answer was cut short'), { code: 'HPE_CUT_SHORT' })));
        incoming.on('error', fail);
    });
}

;// CONCATENATED MODULE: ./src/net/exchange.ts
/**
 * The one way any request leaves the action (ECS, STS, the GitHub ID token,
 * the instance metadata service), and so the one place that bounds it:
 * - a hard limit on the whole exchange, set here (the service's own limit,
 *   never past the caller's deadline), whatever the sockets do;
 * - no request sent when the deadline leaves no time for it;
 * - a cancelled run ends it at once;
 * - a body read within the memory bound, whatever its size or encoding
 *   (./body.ts);
 * - through the proxy the environment names, or none (./proxy.ts).
 * It returns the status, the headers and the body's bytes; what they mean is
 * for the caller (api/answer.ts).
 */





/** The longest one exchange may take, unless the service's own limit is shorter. */
const MAX_EXCHANGE_MS = 15_000;
/** Not worth sending with less time than this left before the deadline. */
const MIN_EXCHANGE_MS = 1_000;
const scopes = new external_node_async_hooks_namespaceObject.AsyncLocalStorage();
/**
 * Runs `call` with every exchange it makes bounded by `scope`, and by the
 * scope it runs in, if any: an inner call (credentials renewed for a poll)
 * never outlives the outer one's deadline, and ends with its cancellation.
 */
function withinScope(scope, call) {
    const outer = scopes.getStore();
    const inner = outer
        ? {
            clock: scope.clock,
            deadline: Math.min(scope.deadline, outer.deadline),
            signal: scope.signal ?? outer.signal
        }
        : scope;
    return scopes.run(inner, call);
}
/** Runs `call` outside any scope: a cancel has a budget of its own, whoever asks for it. */
function outsideScope(call) {
    return scopes.exit(call);
}
/** The scope calls made now run in, if any. */
function currentScope() {
    return scopes.getStore();
}
/** How long the next exchange may take, or 0 when it must not be sent. */
function exchangeLimitMs(ownLimitMs = MAX_EXCHANGE_MS) {
    const limit = Math.min(ownLimitMs, MAX_EXCHANGE_MS);
    const scope = scopes.getStore();
    if (!scope)
        return limit;
    const left = scope.deadline - scope.clock.now();
    return left < Math.min(MIN_EXCHANGE_MS, limit) ? 0 : Math.min(limit, left);
}
/** One exchange, bounded as the file's comment says. */
async function exchange(request, route) {
    const limitMs = exchangeLimitMs(request.limitMs);
    const { agent, proxy } = await route(request.url);
    if (limitMs === 0)
        throw new TransportError({ kind: 'deadline', code: DEADLINE, reached: false, proxy }, 'not sent: the step has no time left before its deadline');
    const signal = scopes.getStore()?.signal;
    if (signal?.aborted)
        throw new TransportError({ kind: 'aborted', reached: false }, 'the workflow run was cancelled');
    return send(request, agent, proxy, limitMs, signal);
}
function send(request, agent, proxy, limitMs, signal) {
    return new Promise((resolve, reject) => {
        let sent = false;
        let settled = false;
        const finish = (error, response) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            if (error) {
                outgoing.destroy();
                reject(error);
            }
            else
                resolve(response);
        };
        const fail = (error) => finish(fromSocketError(error, sent, proxy));
        const open = request.url.protocol === 'https:' ? external_node_https_namespaceObject.request : external_node_http_namespaceObject.request;
        const outgoing = open(request.url, {
            method: request.method,
            headers: request.headers,
            agent
        });
        const timer = setTimeout(() => finish(new TransportError({ kind: 'timeout', code: 'RequestTimeout', reached: sent, proxy }, `no complete answer within ${Math.round(limitMs / 1000)}s (the action's limit on one request)`)), limitMs);
        const onAbort = () => finish(new TransportError({ kind: 'aborted', code: 'RequestAborted', reached: sent, proxy }, 'the workflow run was cancelled'));
        signal?.addEventListener('abort', onAbort, { once: true });
        outgoing.on('error', fail);
        outgoing.on('finish', () => (sent = true));
        // https-proxy-agent replays a refused CONNECT as if the server had answered: it is the proxy's.
        outgoing.on('proxyConnect', ({ statusCode }) => {
            if (statusCode !== 200)
                finish(proxyRefused(proxy, statusCode));
        });
        outgoing.on('response', (incoming) => readResponse(incoming).then((response) => finish(undefined, response), fail));
        outgoing.end(request.body);
    });
}
async function readResponse(incoming) {
    const { bytes, dropped } = await readBody(incoming);
    return { status: incoming.statusCode ?? 0, headers: incoming.headers, body: bytes, dropped };
}
function proxyRefused(proxy, status) {
    return new TransportError({ kind: 'proxy', code: `HTTP${status}`, reached: false, proxy, proxyStatus: status }, `the proxy ${proxy ?? ''} refused to connect to the host (HTTP ${status})`);
}

;// CONCATENATED MODULE: ./src/ecs/cancel.ts
/**
 * The one cancel routine, shared by the main step (a cancelled run, a time-out)
 * and the post step (the backstop). It cancels by ID, retries what is worth
 * retrying within its own budget (not stopped by a cancelled run: that is when
 * it matters), checks the answer, and says what happened in words. It never
 * throws.
 */


function cancelBuild(ecs, executionId, budgetMs) {
    // Not inside the call that asked for it (a poll a cancelled run is ending): a budget of its own.
    return outsideScope(() => cancel(ecs, executionId, budgetMs));
}
async function cancel(ecs, executionId, budgetMs) {
    const { clock, log } = ecs.policy;
    const client = ecs.with({
        deadline: clock.now() + budgetMs,
        signal: undefined,
        wake: undefined,
        giveUp: undefined,
        maxFailures: undefined,
        maxAttempts: undefined,
        baseDelayMs: 500
    });
    try {
        await client.cancelExecution({ executionId });
        log.info(`Cancel requested for execution ${executionId}.`);
        return { settled: true, words: `a cancel was requested for execution ${executionId}` };
    }
    catch (error) {
        log.warning(`Could not cancel execution ${executionId}: ${describeError(error)}`);
        // InvalidStatus.*: the build is in a phase that cannot be cancelled, or has ended.
        if (error instanceof ApiError && /^InvalidStatus\./.test(error.code)) {
            return {
                settled: true,
                words: `the service refused to cancel it in its current phase (${error.code}); it will end on its own`
            };
        }
        return {
            settled: false,
            words: `the cancel request failed (${describeError(error)}); cancel it in the ECS console`,
            error: error instanceof ApiError ? error : undefined
        };
    }
}

;// CONCATENATED MODULE: ./src/runner/text.ts
/**
 * Text is data, never markup or commands. Whatever the action writes for the
 * runner passes one of these, once, in ./runner.ts:
 * - `forLog`, for every log line, annotation and group title: the runner
 *   reads every line for workflow commands, as `::name::` at the start of a
 *   trimmed line and as the legacy `##[name]` anywhere in it (actions/runner
 *   `ActionCommand.TryParseV2` and `TryParse`): both are defused, and nothing
 *   can start a line of its own;
 * - `forOutput`, for outputs;
 * - `forSummary`, for every value in the job summary, which GitHub renders as
 *   GFM: HTML-escaped, one cell, no link, emphasis or autolink.
 * Unicode format characters (bidi overrides, zero-width characters) and lone
 * surrogates are shown escaped (`\u202E`) by all three, and all three cut text
 * to size.
 */
/** The most characters of one text kept anywhere (outputs, log lines, summary cells). */
const MAX_TEXT = 4096;
/** GitHub drops a step summary over 1 MiB: stay well under it. */
const MAX_SUMMARY_BYTES = 1024 * 1024 - 64 * 1024;
/** What an ExecutionId, ImageId or ImagePipelineId must look like. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** At most `max` characters, marked when cut; never splits a surrogate pair. */
function cut(text, max = MAX_TEXT) {
    if (text.length <= max)
        return text;
    let end = max - 1;
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff)
        end--;
    return `${text.slice(0, end)}…`;
}
/**
 * Controls, format characters, line and paragraph separators, every default
 * ignorable code point (the runner finds `::` and `##[` with .NET's
 * culture-aware search, which skips those: `#\u200B#[` would be found), and
 * (in `u` mode) lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{DI}\ud800-\udfff]/gu;
/** The same, but for line breaks, which a summary cell and an output keep. */
const INVISIBLE_BUT_BREAKS = /(?![\r\n])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{DI}\ud800-\udfff]/gu;
const SHORT = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
function escapeInvisible(char) {
    const code = char.codePointAt(0).toString(16).toUpperCase();
    return SHORT[char] ?? (code.length > 4 ? `\\u{${code}}` : `\\u${code.padStart(4, '0')}`);
}
/** Every invisible character shown as an escape: nothing can hide, reorder or break the text. */
function showInvisible(text) {
    return text.replace(INVISIBLE, escapeInvisible);
}
/**
 * One log line: invisible characters escaped (so nothing after them can start
 * a line), a line that would begin a command (`::`) and every legacy command
 * opener (`##[`) defused.
 */
function forLog(message, max = 4 * MAX_TEXT) {
    const line = showInvisible(cut(message, max)).replace(/##\[/g, '##\\[');
    // The runner reads a line as a command when, trimmed, it starts with "::".
    return /^\s*::/.test(line) ? `\\:${line.trimStart().slice(1)}` : line;
}
/** An output's value: cut, its invisible characters (but line breaks) shown escaped. */
function forOutput(value) {
    return cut(value).replace(INVISIBLE_BUT_BREAKS, escapeInvisible);
}
const ENTITIES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '|': '&#124;',
    '`': '&#96;',
    '[': '&#91;',
    ']': '&#93;',
    '\\': '&#92;',
    '*': '&#42;',
    '~': '&#126;',
    $: '&#36;'
};
/**
 * An empty inline element where GFM would find an autolink (`scheme://`,
 * `www.`, `name@host`): it splits the text, so no renderer can join a link
 * across it, whether it finds links while parsing or in the text afterwards.
 */
const BREAK = '<wbr>';
function disarmAutolinks(html) {
    return html
        .replace(/:\/\//g, `:${BREAK}//`)
        .replace(/(www)\./gi, `$1${BREAK}.`)
        .replace(/@/g, `@${BREAK}`);
}
/**
 * One table cell of the summary: invisible characters shown escaped, HTML and
 * markdown escaped (no link, image, code, emphasis or math), autolinks
 * disarmed, line breaks as `<br>`, cut to size. A dash when empty.
 */
function forSummary(value) {
    if (value === undefined || value === '')
        return '–';
    return summaryText(cut(value)).replace(/\r\n|\r|\n/g, '<br>');
}
/** Text as a summary cell shows it, uncut (secrets.ts scrubs this form too). */
function summaryText(value) {
    const escaped = value
        .replace(INVISIBLE_BUT_BREAKS, escapeInvisible)
        .replace(/[&<>"'|`[\]\\*~$]/g, (char) => ENTITIES[char])
        // An underscore between letters or digits never starts emphasis (TEST_FAILED reads as it is).
        .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '&#95;');
    return disarmAutolinks(escaped);
}
/** An ID the service gave, checked on arrival (ecs/client.ts), in code style. */
function idForSummary(id) {
    return ID.test(id) ? `\`${id}\`` : forSummary(id);
}
/** The summary, cut at a line when it would be too large for GitHub to show. */
function capSummary(markdown) {
    if (Buffer.byteLength(markdown) <= MAX_SUMMARY_BYTES)
        return markdown;
    let text = markdown.slice(0, MAX_SUMMARY_BYTES);
    while (Buffer.byteLength(text) > MAX_SUMMARY_BYTES - 100)
        text = text.slice(0, text.length - 1024);
    return `${text.slice(0, text.lastIndexOf('\n') + 1)}\n_(cut: the summary was over 1 MiB)_\n`;
}

;// CONCATENATED MODULE: ./src/api/parse.ts
/**
 * Defensive reading of API responses. The ECS pages show numbers that arrive as
 * strings, optional fields as the string "null" (`"RepairMode": "null"`), and
 * `Tags.Tag` that may be absent: docs/api-notes.md.
 */

/** A field's whole text, or undefined for null, "null", "", objects and the like. For secrets. */
function whole(value) {
    if (value === undefined || value === null || typeof value === 'object')
        return undefined;
    const result = String(value).trim();
    if (result === '' || result.toLowerCase() === 'null' || result === 'undefined')
        return undefined;
    return result;
}
/** A field's text, bounded in size on arrival, or undefined as `whole` says. */
function parse_text(value) {
    const result = whole(value);
    return result === undefined ? undefined : cut(result);
}
function record(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? value
        : {};
}
/** `{ "X": { "Y": [...] } }` or `{ "X": { "Y": {...} } }` (a lone item) or nothing → array. */
function list(container, outer, inner) {
    const items = record(record(container)[outer])[inner];
    if (Array.isArray(items))
        return items.map(record);
    if (typeof items === 'object' && items !== null)
        return [record(items)];
    return [];
}

// EXTERNAL MODULE: ./node_modules/@alicloud/openapi-util/dist/client.js
var client = __nccwpck_require__(879);
// EXTERNAL MODULE: ./node_modules/@alicloud/tea-util/dist/client.js
var dist_client = __nccwpck_require__(129);
;// CONCATENATED MODULE: external "node:querystring"
const external_node_querystring_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");
;// CONCATENATED MODULE: ./src/net/json.ts
/**
 * The one place an answer's bytes become values: JSON.parse, then a bound on
 * nesting. V8 parses any depth, but what reads the values afterwards
 * (JSON.stringify of an `AccessDeniedDetail`, any recursive walk) would run
 * out of stack: a 403 whose detail nested arrays 20,000 deep ended the step
 * with a RangeError, and the vendor's code and RequestId were lost. The
 * vendor's answers nest 6 deep; a deeper one is not JSON the action reads.
 */
const MAX_DEPTH = 64;
/** The bytes are not JSON, or nest deeper than MAX_DEPTH. */
class NotJson extends Error {
}
/** The value of a JSON body; throws NotJson. */
function parseJson(bytes) {
    let value;
    try {
        value = JSON.parse(bytes.toString('utf8'));
    }
    catch {
        throw new NotJson('not JSON');
    }
    if (deeperThan(value, MAX_DEPTH))
        throw new NotJson(`nested over ${MAX_DEPTH} deep`);
    return value;
}
/** Whether `value` nests deeper than `limit`, walked without recursion. */
function deeperThan(value, limit) {
    const pending = [[value, 0]];
    while (pending.length > 0) {
        const [next, depth] = pending.pop();
        if (typeof next !== 'object' || next === null)
            continue;
        if (depth >= limit)
            return true;
        for (const inner of Object.values(next))
            pending.push([inner, depth + 1]);
    }
    return false;
}

;// CONCATENATED MODULE: ./src/api/answer.ts



/** Codes that say retrying may help, beyond throttling and 5xx. */
const TRANSIENT_CODES = new Set([
    'ServiceUnavailable',
    'InternalError',
    'UnknownError',
    'StartImagePipelineExecution.Failed',
    'OperationConflict',
    'LastTokenProcessing',
    'IdempotentProcessing'
]);
/** The result object, or the ApiError the answer stands for. */
function readAnswer(response, context) {
    const parsed = parseBody(response.body);
    const body = isObject(parsed) ? parsed : undefined;
    if (body && isErrorCode(body.Code))
        throw vendorError(response, body, context);
    if (body && response.status >= 200 && response.status < 300)
        return body;
    throw notTheVendors(response, parsed, context);
}
function parseBody(body) {
    try {
        return parseJson(body);
    }
    catch {
        return NOT_JSON;
    }
}
const NOT_JSON = Symbol('not JSON');
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isErrorCode(code) {
    return typeof code === 'string' && code.trim() !== '' && code !== '200';
}
function vendorError(response, body, { operation, resource }) {
    const code = parse_text(body.Code);
    const status = response.status;
    const throttled = /Throttling/i.test(code) || status === 429;
    return new ApiError({
        operation,
        resource,
        code,
        message: parse_text(body.Message) ?? `HTTP ${status}`,
        requestId: parse_text(body.RequestId) ?? requestIdHeader(response),
        recommend: parse_text(body.Recommend),
        accessDeniedDetail: deniedDetail(body.AccessDeniedDetail),
        statusCode: status,
        transient: throttled || TRANSIENT_CODES.has(code) || status >= 500,
        throttled,
        retryAfterMs: retryAfterMs(response)
    });
}
function notTheVendors(response, parsed, { operation, resource }) {
    const status = response.status;
    const ok = status >= 200 && status < 300;
    const throttled = status === 429;
    const what = describeBody(response, parsed);
    return new ApiError({
        operation,
        resource,
        code: ok ? 'UnparsableResponse' : `HTTP${status}`,
        message: ok
            ? `HTTP ${status} with ${what}, not the service's JSON object`
            : `HTTP ${status}, with ${what} (not the service's error object: a proxy or gateway may have answered)`,
        requestId: requestIdHeader(response),
        statusCode: status,
        transient: ok || throttled || status >= 500,
        throttled,
        retryAfterMs: retryAfterMs(response)
    });
}
/** What kind of body it was, in a few words, never its content. */
function describeBody(response, parsed) {
    if (response.dropped)
        return `a body too large to keep (${response.dropped})`;
    if (response.body.length === 0)
        return 'no body';
    if (parsed !== NOT_JSON)
        return `a JSON ${parsed === null ? 'null' : Array.isArray(parsed) ? 'array' : typeof parsed}`;
    const type = String(response.headers['content-type'] ?? '');
    const kind = /html/i.test(type)
        ? 'an HTML page'
        : /xml/i.test(type)
            ? 'an XML document'
            : 'a body';
    return `${kind} that is not JSON (${response.body.length} bytes)`;
}
function requestIdHeader(response) {
    return parse_text(response.headers['x-acs-request-id']);
}
/** The vendor's SDKs wait at most this long for `x-acs-retry-after` (@darabonba/typescript MAX_DELAY_TIME). */
const MAX_RETRY_AFTER_MS = 120_000;
/**
 * The vendor's `x-acs-retry-after`: how long to wait before the next try, in
 * milliseconds, as the vendor's SDKs read it, and bounded as they bound it.
 */
function retryAfterMs(response) {
    const value = Number(parse_text(response.headers['x-acs-retry-after']));
    if (!Number.isFinite(value) || value <= 0)
        return undefined;
    return Math.min(Math.round(value), MAX_RETRY_AFTER_MS);
}
/** The service's clock, from the answer's Date header: to compare with times it gives. */
function serverTime(response) {
    const date = Date.parse(String(response.headers.date ?? ''));
    return Number.isFinite(date) ? date : undefined;
}
/** AccessDeniedDetail comes as an object (AuthAction, AuthPrincipalDisplayName, …) or a string. */
function deniedDetail(value) {
    if (typeof value !== 'object' || value === null)
        return parse_text(value);
    const fields = Object.entries(record(value))
        .map(([name, field]) => [name, parse_text(typeof field === 'object' ? JSON.stringify(field) : field)])
        .filter(([, field]) => field !== undefined)
        .map(([name, field]) => `${name}=${field}`);
    return fields.length ? fields.join(', ') : undefined;
}

;// CONCATENATED MODULE: ./src/ecs/rpc.ts
/**
 * ECS RPC calls, as the vendor's client sends them: the request that
 * @alicloud/openapi-client's `doRequest` builds for an RPC operation (POST,
 * parameters in the query, the `x-acs-*` headers), signed ACS3-HMAC-SHA256 by
 * the vendor's own signing code (@alicloud/openapi-util `getAuthorization`,
 * which that client calls), and sent through the action's one bounded exchange
 * (net/exchange.ts) instead of the client's transport, which honours no proxy
 * and no time limit of ours. __tests__/contract/ecs-wire.test.ts compares the
 * requests with @alicloud/ecs20140526's, field for field; the emulator checks
 * every signature. The answer is read by its shape (api/answer.ts).
 */







const ALGORITHM = 'ACS3-HMAC-SHA256';
/** One ECS exchange's own limit: the vendor's client reads an answer for 10 s at most. */
const ECS_EXCHANGE_MS = 10_000;
/** The vendor's packages are CommonJS with `exports.default`: Node's loader and a bundler differ. */
function vendor(module) {
    const candidate = module.default;
    return (candidate.default ?? candidate);
}
const signing = vendor(client);
const tea = vendor(dist_client);
const EMPTY_PAYLOAD = signing.hexEncode(signing.hash(Buffer.from(''), ALGORITHM));
/** The signed request for one RPC call, header for header as openapi-client's doRequest makes it. */
function signedRequest(options, action, query, credentials) {
    const headers = {
        host: options.endpoint,
        'x-acs-version': options.version,
        'x-acs-action': action,
        'user-agent': tea.getUserAgent(options.userAgent),
        'x-acs-date': signing.getTimestamp(),
        'x-acs-signature-nonce': tea.getNonce(),
        accept: 'application/json',
        'x-acs-content-sha256': EMPTY_PAYLOAD
    };
    if (credentials.providerName)
        headers['x-acs-credentials-provider'] = credentials.providerName;
    if (credentials.securityToken) {
        headers['x-acs-accesskey-id'] = credentials.accessKeyId;
        headers['x-acs-security-token'] = credentials.securityToken;
    }
    headers.Authorization = signing.getAuthorization({ pathname: '/', method: 'POST', query, headers }, ALGORITHM, EMPTY_PAYLOAD, credentials.accessKeyId, credentials.accessKeySecret);
    const search = (0,external_node_querystring_namespaceObject.stringify)(query);
    return {
        method: 'POST',
        url: new URL(`${options.protocol}://${options.endpoint}/${search ? `?${search}` : ''}`),
        headers,
        limitMs: ECS_EXCHANGE_MS
    };
}
function createRpcClient(options) {
    const where = `ECS at ${options.endpoint}`;
    return async (action, params, resource) => {
        options.log.debug(`→ ${action} ${JSON.stringify(params)}`);
        try {
            const credentials = await options.credential.getCredential();
            const response = await exchange(signedRequest(options, action, params, credentials), options.route);
            const body = readAnswer(response, { operation: action, resource });
            options.log.debug(`← ${action} HTTP ${response.status} RequestId ${parse_text(body.RequestId) ?? '-'}`);
            return { body, serverTime: serverTime(response) };
        }
        catch (thrown) {
            const error = toApiError(action, thrown, resource, where);
            options.log.debug(`← ${action} ${error.code}${error.requestId ? ` RequestId ${error.requestId}` : ''}`);
            throw error;
        }
    };
}

;// CONCATENATED MODULE: ./src/ecs/client.ts
/**
 * The ECS Image Builder client: ECS 2014-05-26 in RPC style (./rpc.ts),
 * defensively parsed results, ApiErrors that name the resource. One call is
 * one request: listings come a page at a time (./listing.ts walks them), and
 * nothing here retries (callers apply the policy, ./policy.ts).
 */




const ECS_API_VERSION = '2014-05-26';
/** Why an execution failed: ErrorCode and ErrorInfo where the service gives them. */
function failureReason(execution) {
    const { errorCode, errorInfo } = execution;
    if (!errorCode && !errorInfo)
        return undefined;
    return [errorCode, errorInfo].filter(Boolean).join(': ');
}
const DESCRIBE = 'DescribeImagePipelineExecutions';
function createEcsClient(options) {
    const rpc = createRpcClient({ ...options, version: ECS_API_VERSION });
    const call = (action, query, resource) => rpc(action, { RegionId: options.regionId, ...query }, resource);
    return {
        startExecution: (params) => startExecution(call, params),
        async getExecution({ executionId }) {
            const { body } = await call(DESCRIBE, { ExecutionId: executionId }, `execution ${executionId}`);
            return parseExecutions(body).find((execution) => execution.executionId === executionId);
        },
        async executionsPage({ pipelineId, statuses, maxResults, nextToken }) {
            const query = { ImagePipelineId: pipelineId, MaxResults: String(maxResults) };
            if (statuses?.length)
                query.Status = statuses.join(',');
            if (nextToken)
                query.NextToken = nextToken;
            const { body } = await call(DESCRIBE, query, `pipeline ${pipelineId}`);
            return { items: parseExecutions(body), nextToken: parse_text(body.NextToken) };
        },
        async cancelExecution({ executionId }) {
            await call('CancelImagePipelineExecution', { ExecutionId: executionId }, `execution ${executionId}`);
        },
        async pipelinesPage({ name, pipelineIds, nextToken }) {
            const query = { MaxResults: '100' };
            if (name)
                query.Name = name;
            pipelineIds?.forEach((id, index) => (query[`ImagePipelineId.${index + 1}`] = id));
            if (nextToken)
                query.NextToken = nextToken;
            const { body } = await call('DescribeImagePipelines', query, name && `pipeline named "${name}"`);
            return { items: parsePipelines(body), nextToken: parse_text(body.NextToken) };
        }
    };
}
async function startExecution(call, { pipelineId, clientToken, tags }) {
    const operation = 'StartImagePipelineExecution';
    const query = { ImagePipelineId: pipelineId, ClientToken: clientToken };
    tags.forEach((tag, index) => {
        query[`Tag.${index + 1}.Key`] = tag.key;
        query[`Tag.${index + 1}.Value`] = tag.value;
    });
    const { body, serverTime } = await call(operation, query, `pipeline ${pipelineId}`);
    const executionId = parse_text(body.ExecutionId);
    if (!executionId)
        throw unparsable(operation, 'the response has no ExecutionId');
    return { executionId: checkId(operation, 'ExecutionId', executionId), serverTime };
}
function checkId(operation, field, value) {
    if (value === undefined || ID.test(value))
        return value;
    throw malformed(operation, `the response has a ${field} that is not an ID (${value.length} characters; IDs are letters, digits, ".", "_" and "-", at most 128)`);
}
function parseExecutions(body) {
    return list(body, 'ImagePipelineExecution', 'ImagePipelineExecutionSet').flatMap((item) => {
        const executionId = checkId(DESCRIBE, 'ExecutionId', parse_text(item.ExecutionId));
        if (!executionId)
            return [];
        return [
            {
                executionId,
                pipelineId: checkId(DESCRIBE, 'ImagePipelineId', parse_text(item.ImagePipelineId)),
                status: parse_text(item.Status)?.toUpperCase() ?? 'UNKNOWN',
                imageId: checkId(DESCRIBE, 'ImageId', parse_text(item.ImageId)),
                message: parse_text(item.Message),
                errorCode: parse_text(item.ErrorCode),
                errorInfo: parse_text(item.ErrorInfo),
                creationTime: parse_text(item.CreationTime),
                modifiedTime: parse_text(item.ModifiedTime),
                tags: list(item, 'Tags', 'Tag').flatMap((tag) => {
                    const key = parse_text(tag.TagKey);
                    return key ? [{ key, value: parse_text(tag.TagValue) ?? '' }] : [];
                })
            }
        ];
    });
}
function parsePipelines(body) {
    return list(body, 'ImagePipeline', 'ImagePipelineSet').flatMap((item) => {
        const pipelineId = checkId('DescribeImagePipelines', 'ImagePipelineId', parse_text(item.ImagePipelineId));
        return pipelineId
            ? [{ pipelineId, name: parse_text(item.Name), description: parse_text(item.Description) }]
            : [];
    });
}

;// CONCATENATED MODULE: ./src/ecs/connect.ts

const USER_AGENT = 'ecs-image-builder-action/1';
function connectEcs(settings, credentials, log, route) {
    return createEcsClient({
        regionId: settings.regionId,
        endpoint: settings.ecsEndpoint.host,
        protocol: settings.ecsEndpoint.protocol,
        credential: credentials,
        route,
        log,
        userAgent: USER_AGENT
    });
}

;// CONCATENATED MODULE: ./src/api/backoff.ts
/**
 * The two jitter algorithms every delay in the action comes from (the AWS
 * architecture blog's "Exponential Backoff And Jitter"): the retry helper and
 * the wait loop's schedule share them.
 */
/** Equal jitter for attempt n (0-based): in [cap/2, cap], cap = base·2ⁿ ≤ max. After a failure. */
function equalJitter(attempt, baseMs, maxMs, random) {
    const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
    return Math.round(cap / 2 + (cap / 2) * random());
}
/**
 * Decorrelated jitter: between the previous delay (never faster; at least
 * `floorMs`) and three times it. After throttling: the quota is the account's,
 * so runs that share it spread out instead of retrying in step.
 */
function decorrelatedJitter(previousMs, floorMs, random) {
    const previous = Math.max(previousMs ?? floorMs, floorMs);
    return Math.round(previous + 2 * previous * random());
}

;// CONCATENATED MODULE: ./src/api/retry.ts




const DEFAULT_RETRY_BASE_MS = 1000;
const DEFAULT_RETRY_MAX_MS = 20_000;
async function withRetry(operation, call, options, resource) {
    const outer = currentScope();
    // Inside another call's scope (credentials renewed for a poll): never past its deadline.
    const bounded = outer
        ? {
            ...options,
            deadline: Math.min(options.deadline, outer.deadline),
            signal: options.signal ?? outer.signal
        }
        : options;
    const { clock, deadline, signal } = bounded;
    const attempts = new Attempts(operation, bounded);
    for (;;) {
        try {
            return await withinScope({ clock, deadline, signal }, call);
        }
        catch (thrown) {
            const error = toApiError(operation, thrown, resource);
            const next = await attempts.after(error);
            if (next === undefined)
                throw attempts.failure(error);
            if (next > 0)
                await clock.sleep(next, options.wake ?? signal);
            if (options.giveUp?.(attempts.failures))
                throw attempts.failure(error);
        }
    }
}
/** The failures of one call so far, and what each one calls for. */
class Attempts {
    operation;
    options;
    failures = [];
    began;
    used = new Set();
    counted = 0;
    previousThrottleMs;
    constructor(operation, options) {
        this.operation = operation;
        this.options = options;
        this.began = options.clock.now();
    }
    /** How long to wait before the next attempt (0: at once), or undefined to stop. */
    async after(error) {
        const { clock, deadline, signal, log } = this.options;
        this.failures.push(error);
        if (!error.transient)
            return (await this.recovered(error)) ? 0 : undefined;
        if (!error.throttled)
            this.counted++;
        const delay = this.delay(error);
        const stop = this.counted >= (this.options.maxFailures ?? Number.POSITIVE_INFINITY) ||
            this.failures.length >= (this.options.maxAttempts ?? Number.POSITIVE_INFINITY) ||
            // No attempt that the exchange would refuse to send for want of time.
            clock.now() + delay > deadline - MIN_EXCHANGE_MS ||
            signal?.aborted ||
            this.options.giveUp?.(this.failures);
        if (stop) {
            log.debug(`${this.operation}: giving up after ${this.failures.length} attempt(s): ${error.code}`);
            return undefined;
        }
        log.debug(`${this.operation}: attempt ${this.failures.length} failed with ${error.code}` +
            `${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}; retry in ${delay} ms`);
        return delay;
    }
    /** The error to throw: the last one, saying how many attempts were made over how long. */
    failure(error) {
        // An attempt the deadline stopped says nothing of the service: the one before says why.
        const last = error.code === DEADLINE && this.failures.length > 1 ? this.failures.at(-2) : error;
        if (this.failures.length < 2)
            return last;
        const counts = new Map();
        for (const failure of this.failures)
            counts.set(failure.code, (counts.get(failure.code) ?? 0) + 1);
        const what = [...counts].map(([code, n]) => `${n}× ${code}`).join(', ');
        const spent = Math.round((this.options.clock.now() - this.began) / 1000);
        return last.with({
            message: `${last.apiMessage} (${this.failures.length} attempts over ${spent}s: ${what})`,
            reached: this.failures.some((failure) => failure.reached)
        });
    }
    delay(error) {
        const random = this.options.random ?? Math.random;
        const base = this.options.baseDelayMs ?? DEFAULT_RETRY_BASE_MS;
        const max = this.options.maxDelayMs ?? DEFAULT_RETRY_MAX_MS;
        let delay;
        if (error.throttled) {
            const floor = this.options.throttleFloorMs ?? 2 * base;
            const cap = Math.max(floor, this.options.throttleCapMs ?? max);
            delay = Math.min(cap, decorrelatedJitter(this.previousThrottleMs, floor, random));
            this.previousThrottleMs = delay;
        }
        else
            delay = equalJitter(this.counted - 1, base, max, random);
        return Math.max(delay, error.retryAfterMs ?? 0);
    }
    async recovered(error) {
        for (const hook of this.options.recover ?? []) {
            if (this.used.has(hook))
                continue;
            if (await hook(error)) {
                this.used.add(hook);
                return true;
            }
        }
        return false;
    }
}

;// CONCATENATED MODULE: ./src/ecs/policy.ts
/**
 * The ECS client every caller uses: the retry policy (api/retry.ts), a
 * deadline, the run's cancellation and the credentials' recovery hook are
 * applied here, once, to every single request (a listing's pages each get
 * their own retries). Callers just call. One that needs another budget (a
 * best-effort look-up, a cancel after the deadline, the wait loop's single
 * attempts) derives a client with `with()` or `within()`.
 */

function withPolicy(client, policy) {
    const retried = (operation, resource, call) => withRetry(operation, call, policy, resource);
    return {
        policy,
        with: (change) => withPolicy(client, { ...policy, ...change }),
        within: (ms) => withPolicy(client, {
            ...policy,
            deadline: Math.min(policy.deadline, policy.clock.now() + ms)
        }),
        startExecution: (params) => retried('StartImagePipelineExecution', `pipeline ${params.pipelineId}`, () => client.startExecution(params)),
        getExecution: (params) => retried('DescribeImagePipelineExecutions', `execution ${params.executionId}`, () => client.getExecution(params)),
        executionsPage: (params) => retried('DescribeImagePipelineExecutions', `pipeline ${params.pipelineId}`, () => client.executionsPage(params)),
        cancelExecution: (params) => retried('CancelImagePipelineExecution', `execution ${params.executionId}`, () => client.cancelExecution(params)),
        pipelinesPage: (params) => retried('DescribeImagePipelines', params.name ? `pipeline named "${params.name}"` : 'image pipelines', () => client.pipelinesPage(params))
    };
}

// EXTERNAL MODULE: external "os"
var external_os_ = __nccwpck_require__(857);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function utils_toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function command_issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_.EOL);
}
function command_issue(name, message = '') {
    command_issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
// EXTERNAL MODULE: external "crypto"
var external_crypto_ = __nccwpck_require__(982);
// EXTERNAL MODULE: external "fs"
var external_fs_ = __nccwpck_require__(896);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function file_command_issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_.appendFileSync(filePath, `${utils_toCommandValue(message)}${external_os_.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_.randomUUID()}`;
    const convertedValue = utils_toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_.EOL}${convertedValue}${external_os_.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class auth_BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class oidc_utils_OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc_utils_OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = oidc_utils_OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = oidc_utils_OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield oidc_utils_OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_.constants.R_OK | external_fs_.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = (/* unused pure expression or super */ null && (_summary));
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, path.sep);
}
//# sourceMappingURL=path-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield exec.getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield exec.getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_.platform();
const arch = external_os_.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function core_setSecret(secret) {
    command_issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${path.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return file_command_issueFileCommand('OUTPUT', file_command_prepareKeyValueMessage(name, value));
    }
    process.stdout.write(external_os_.EOL);
    command_issueCommand('set-output', { name }, utils_toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function core_debug(message) {
    command_issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    command_issueCommand('error', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    command_issueCommand('warning', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    command_issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    command_issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    command_issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return file_command_issueFileCommand('STATE', file_command_prepareKeyValueMessage(name, value));
    }
    command_issueCommand('save-state', { name }, utils_toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map
;// CONCATENATED MODULE: ./src/constants.ts
/**
 * The names users type in their workflows and the names the two steps share:
 * inputs and outputs as action.yml declares them, and the post step's state.
 * Code and tests import them from here, so a name is spelled in one place.
 */
const ACTION_NAME = 'ecs-image-builder';
const Inputs = {
    RegionId: 'region-id',
    ImagePipelineId: 'image-pipeline-id',
    ImagePipelineName: 'image-pipeline-name',
    ExecutionId: 'execution-id',
    Tags: 'tags',
    Wait: 'wait',
    Timeout: 'timeout',
    PollInterval: 'poll-interval',
    MaxPollInterval: 'max-poll-interval',
    OnTimeout: 'on-timeout',
    CancelOnJobCancel: 'cancel-on-job-cancel',
    IfRunning: 'if-running',
    AllowPartialSuccess: 'allow-partial-success',
    ClientToken: 'client-token',
    AccessKeyId: 'access-key-id',
    AccessKeySecret: 'access-key-secret',
    SecurityToken: 'security-token',
    RoleToAssume: 'role-to-assume',
    OidcProviderArn: 'oidc-provider-arn',
    RoleSessionName: 'role-session-name',
    RoleSessionExpiration: 'role-session-expiration',
    Audience: 'audience',
    StsEndpoint: 'sts-endpoint',
    Endpoint: 'endpoint',
    EcsRamRole: 'ecs-ram-role',
    MetadataEndpoint: 'metadata-endpoint',
    ProvenanceTags: 'provenance-tags'
};
const Outputs = {
    ExecutionId: 'execution-id',
    ImagePipelineId: 'image-pipeline-id',
    Status: 'status',
    ImageId: 'image-id',
    Message: 'message',
    DurationSeconds: 'duration-seconds'
};
/** What the main step tells the post step (GITHUB_STATE). */
const State = {
    ExecutionId: 'execution-id',
    /** 'true' when this step started the execution and is to cancel it if the run is cancelled. */
    Guard: 'guard',
    /** 'true' once the build ended or a cancel was accepted: the post step has nothing to do. */
    Done: 'done',
    CancelRequested: 'cancel-requested',
    /** Why the main step could not settle the build, when it tried: the post step says so, and does not repeat what cannot work. */
    CancelFailed: 'cancel-failed',
    /** 'true' when the service refused the step's credentials and they cannot be renewed. */
    CredentialsRefused: 'credentials-refused'
};

;// CONCATENATED MODULE: ./src/credentials/provider.ts
/**
 * What the signing code asks for: keys, from the one source this run's
 * settings chose (./sources.ts). Nothing here falls back to the SDK's default
 * chain, which may probe instance metadata for seconds on a runner that is not
 * an ECS instance.
 */

/** Codes by which the service refuses the keys themselves. */
const REFUSALS = new Set([
    'InvalidSecurityToken.Expired',
    'SecurityTokenExpired',
    'InvalidSecurityToken.Malformed',
    'InvalidSecurityToken.MismatchWithAccessKey',
    'InvalidAccessKeyId.NotFound',
    'InvalidAccessKeyId.Inactive',
    'InvalidAccessKeyId',
    'SignatureDoesNotMatch'
]);
/** Refusals that a renewed session can cure. */
const EXPIRED = new Set(['InvalidSecurityToken.Expired', 'SecurityTokenExpired']);
function refusesKeys(error) {
    return REFUSALS.has(error.code);
}
/** Keys given as inputs or in the environment: they cannot be renewed. */
class StaticCredentials {
    credentials;
    dead;
    constructor(accessKeyId, accessKeySecret, securityToken) {
        this.credentials = { accessKeyId, accessKeySecret, securityToken, providerName: 'static' };
    }
    async getCredential() {
        if (this.dead)
            throw deadKeys(this.dead);
        return this.credentials;
    }
    refused(error) {
        if (refusesKeys(error))
            this.dead ??= error;
        return false;
    }
}
/** The error every later call gets once the keys are dead: no request is sent with them. */
function deadKeys(refusal) {
    return new ApiError({
        operation: refusal.operation,
        code: refusal.code,
        message: `the service refused these credentials earlier in this step (${refusal.apiMessage}), so they are not used again`,
        requestId: refusal.requestId,
        transient: false,
        throttled: false,
        reached: false
    });
}

;// CONCATENATED MODULE: ./src/credentials/access-keys.ts
/** Credential source: an AccessKey pair (and an STS token) given as inputs. */



const accessKeys = {
    name: 'access keys',
    chosenBy: [Inputs.AccessKeyId, Inputs.AccessKeySecret, Inputs.SecurityToken],
    choose(inputs) {
        const accessKeyId = inputs[Inputs.AccessKeyId];
        const accessKeySecret = inputs[Inputs.AccessKeySecret];
        const securityToken = inputs[Inputs.SecurityToken];
        if (!accessKeyId)
            throw new InputError(Inputs.AccessKeyId, `is required with ${accessKeySecret ? Inputs.AccessKeySecret : Inputs.SecurityToken}`);
        if (!accessKeySecret)
            throw new InputError(Inputs.AccessKeySecret, `is required with ${Inputs.AccessKeyId}`);
        return { accessKeyId, accessKeySecret, securityToken };
    },
    secrets: (settings) => [settings.accessKeySecret, settings.securityToken],
    describe: (settings) => `${settings.securityToken ? 'STS token' : 'AccessKey'} from the ${Inputs.AccessKeyId} input`,
    renewable: false,
    create: (settings) => new StaticCredentials(settings.accessKeyId, settings.accessKeySecret, settings.securityToken)
};

;// CONCATENATED MODULE: ./src/inputs/duration.ts
/**
 * Strict duration parsing: `90s`, `45m`, `1h30m`, `1h 30m 15s`, `250ms`, or a bare
 * number of seconds. Anything else throws, so a typo never becomes a silent default.
 */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)\s*(ms|h|m|s)/gy;
function parseDuration(text) {
    const input = text.trim().toLowerCase();
    if (input === '')
        throw new Error('is empty');
    if (/^\d+(\.\d+)?$/.test(input))
        return finite(text, Math.round(Number(input) * 1000));
    let total = 0;
    let seen = 0;
    PART.lastIndex = 0;
    let position = 0;
    while (position < input.length) {
        PART.lastIndex = position;
        const match = PART.exec(input);
        if (!match) {
            throw new Error(`"${text}" is not a duration (use e.g. 90s, 45m, 1h30m, or a number of seconds)`);
        }
        total += Number(match[1]) * UNIT_MS[match[2]];
        seen++;
        position = PART.lastIndex;
        while (input[position] === ' ')
            position++;
    }
    if (seen === 0)
        throw new Error(`"${text}" is not a duration`);
    return finite(text, Math.round(total));
}
/** A 400-digit number parses as Infinity: too long, not a silent forever. */
function finite(text, ms) {
    if (!Number.isSafeInteger(ms))
        throw new Error(`"${text}" is too long a duration`);
    return ms;
}
/** `3723000` → `1h 2m 3s`; used in logs, errors and the summary. */
function formatDuration(ms) {
    const seconds = Math.max(0, Math.round(ms / 1000));
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const parts = [];
    if (h)
        parts.push(`${h}h`);
    if (m)
        parts.push(`${m}m`);
    if (s || parts.length === 0)
        parts.push(`${s}s`);
    return parts.join(' ');
}

;// CONCATENATED MODULE: ./src/credentials/session.ts


/** Keys that look expired on arrival are used anyway, and asked for again after this long, not on every request. */
const EXPIRED_ON_ARRIVAL_RETRY_MS = 60_000;
/** When to renew: a quarter of the session left, at most 5 minutes early. */
function renewAt(obtainedAt, lifetimeMs) {
    if (lifetimeMs <= 0)
        return obtainedAt + EXPIRED_ON_ARRIVAL_RETRY_MS;
    return obtainedAt + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 4);
}
/**
 * How long keys live, from the service's times: `Expiration` against its own
 * clock (its Date header has whole seconds, so a second less), else ours.
 */
function lifetime(expiration, serviceNow, fallbackMs) {
    const end = Date.parse(expiration ?? '');
    if (!Number.isFinite(end))
        return fallbackMs;
    return serviceNow === undefined ? end - Date.now() : end - serviceNow - 1000;
}
class SessionCredentials {
    clock;
    log;
    providerName;
    session;
    renewing;
    dead;
    renewals = 0;
    constructor(clock, log, 
    /** The provider's name, as the vendor's SDK reports it. */
    providerName) {
        this.clock = clock;
        this.log = log;
        this.providerName = providerName;
    }
    async getCredential() {
        if (this.dead)
            throw deadKeys(this.dead);
        const current = this.session;
        if (!current || this.clock.now() >= renewAt(current.obtainedAt, current.lifetimeMs))
            await this.renewFrom(current);
        const session = this.session;
        return {
            accessKeyId: session.accessKeyId,
            accessKeySecret: session.accessKeySecret,
            securityToken: session.securityToken,
            providerName: this.providerName
        };
    }
    /** An expired session is renewed (true); any other refusal of the keys makes them dead. */
    refused(error) {
        if (EXPIRED.has(error.code) && this.session) {
            this.session = undefined;
            return true;
        }
        if (refusesKeys(error))
            this.dead ??= error;
        return false;
    }
    async renewFrom(current) {
        this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
        try {
            this.session = await this.renewing;
        }
        catch (error) {
            // Keep using a session that is still valid; fail only once it is not.
            const left = current ? current.obtainedAt + current.lifetimeMs - this.clock.now() : 0;
            if (left < 10_000)
                throw error;
            this.log.warning(`Could not renew the credentials yet (${describeError(error)}); the current ones are valid for ${Math.round(left / 1000)}s more.`);
        }
    }
    async renew() {
        const obtainedAt = this.clock.now();
        const keys = await this.obtain();
        this.renewals++;
        return { ...keys, obtainedAt };
    }
}

;// CONCATENATED MODULE: ./src/credentials/metadata.ts
/**
 * The instance metadata service's RAM role credentials, asked for as the
 * vendor's credentials library asks (@alicloud/credentials `ecs_ram_role`):
 * hardened mode first (`PUT /latest/api/token` for a session token, sent back
 * in `X-aliyun-ecs-metadata-token`), and a plain GET when the token request
 * fails, or when a GET with a token fails, unless ALIBABA_CLOUD_IMDSV1_DISABLED
 * is `true`; with the library's time limits (a second for the token). Through
 * the one bounded exchange, never through a proxy (net/proxy.ts).
 */







/** The metadata token's lifetime, as the vendor's library asks for it. */
const METADATA_TOKEN_TTL_SECONDS = 21_600;
/** The library's limits: a second to connect and a second to read; no answer to the token in a second means plain mode. */
const TOKEN_LIMIT_MS = 1_000;
const CREDENTIALS_LIMIT_MS = 2_000;
/** Keys whose lifetime cannot be read are renewed after this long. */
const UNKNOWN_LIFETIME_MS = 15 * 60_000;
const OPERATION = 'InstanceMetadata';
/** The role's keys, hardened mode first. */
async function roleKeys(options, roleName) {
    const token = await metadataToken(options);
    if (token.refused)
        return plainMode(options, roleName, token.refused);
    try {
        return { ...(await credentialsOf(options, roleName, token.value)), mode: 'hardened mode' };
    }
    catch (error) {
        if (options.plainDisabled)
            throw error;
        return plainMode(options, roleName, toApiError(OPERATION, error));
    }
}
/** A plain GET, after hardened mode failed; when it fails too, the error says both. */
async function plainMode(options, roleName, hardened) {
    const why = `hardened mode failed: ${hardened.apiMessage}`;
    try {
        return { ...(await credentialsOf(options, roleName)), mode: `plain mode (${why})` };
    }
    catch (error) {
        const plain = toApiError(OPERATION, error);
        throw hardened.with({
            message: `${hardened.apiMessage}; the plain request that followed failed too (${plain.code})`,
            transient: hardened.transient || plain.transient
        });
    }
}
/** The session token, or why there is none (when plain mode may follow). */
async function metadataToken(options) {
    try {
        const response = await ask(options, 'PUT', '/latest/api/token', TOKEN_LIMIT_MS, {
            'x-aliyun-ecs-metadata-token-ttl-seconds': `${METADATA_TOKEN_TTL_SECONDS}`
        });
        const value = whole(response.body.toString('utf8'));
        if (response.status !== 200 || !value)
            throw refusal(`the metadata service refused a session token (HTTP ${response.status}); check ${Inputs.MetadataEndpoint} and that the runner may reach the instance metadata service`, response.status);
        options.mask(value);
        return { value };
    }
    catch (error) {
        const refused = toApiError(OPERATION, error, undefined, where(options));
        if (options.plainDisabled)
            throw refused;
        return { refused };
    }
}
async function credentialsOf(options, roleName, token) {
    const response = await ask(options, 'GET', `/latest/meta-data/ram/security-credentials/${roleName}`, CREDENTIALS_LIMIT_MS, token === undefined ? {} : { 'x-aliyun-ecs-metadata-token': token });
    if (response.status !== 200)
        throw statusRefusal(response.status, roleName);
    return keysOf(response, roleName);
}
async function ask(options, method, path, limitMs, headers) {
    const url = new URL(`${options.endpoint.protocol}://${options.endpoint.host}${path}`);
    try {
        return await exchange({ method, url, headers, limitMs }, options.route);
    }
    catch (error) {
        const failure = toApiError(OPERATION, error, undefined, where(options));
        throw failure.with({
            message: `${failure.apiMessage}: is this runner an ECS instance? (check ${Inputs.MetadataEndpoint})`
        });
    }
}
function where(options) {
    return `the instance metadata service at ${options.endpoint.host}`;
}
function statusRefusal(status, roleName) {
    if (status === 404)
        return refusal(`the instance has no RAM role named "${roleName}"; check ${Inputs.EcsRamRole} and the role attached to the instance`, 404);
    if (status === 401 || status === 403)
        return refusal(`the metadata service refused the request (HTTP ${status}) for ${Inputs.EcsRamRole} "${roleName}"; check ${Inputs.MetadataEndpoint}`, status);
    return refusal(`the metadata service answered HTTP ${status} for ${Inputs.EcsRamRole} "${roleName}"`, status);
}
function refusal(message, status) {
    return new ApiError({
        operation: OPERATION,
        code: `MetadataService.HTTP${status}`,
        message,
        statusCode: status,
        transient: status >= 500 || status === 429,
        throttled: status === 429
    });
}
/** The keys, and how long they live by the service's clock (its Date header, else ours). */
function keysOf(response, roleName) {
    let data;
    try {
        data = record(parseJson(response.body));
    }
    catch {
        throw refusal(`the metadata service's answer for RAM role "${roleName}" is not JSON`, 502);
    }
    const accessKeyId = whole(data.AccessKeyId);
    const accessKeySecret = whole(data.AccessKeySecret);
    const securityToken = whole(data.SecurityToken);
    if (parse_text(data.Code) !== 'Success' || !accessKeyId || !accessKeySecret || !securityToken)
        throw new ApiError({
            operation: OPERATION,
            code: 'MetadataService.NoCredentials',
            message: `the metadata service gave no credentials for RAM role "${roleName}" (Code ${parse_text(data.Code) ?? 'missing'})`,
            transient: false,
            throttled: false
        });
    return {
        accessKeyId,
        accessKeySecret,
        securityToken,
        lifetimeMs: lifetime(parse_text(data.Expiration), serverTime(response), UNKNOWN_LIFETIME_MS)
    };
}

;// CONCATENATED MODULE: ./src/credentials/ecs-ram-role.ts
/**
 * Credential source: the RAM role attached to the ECS instance a self-hosted
 * runner is on, from the instance metadata service (./metadata.ts), renewed
 * before it expires. Contacted only when `ecs-ram-role` is given; as an
 * explicit input it is not affected by ALIBABA_CLOUD_ECS_METADATA_DISABLED.
 */






const RETRY_BUDGET_MS = 30_000;
const ecsRamRole = {
    name: Inputs.EcsRamRole,
    chosenBy: [Inputs.EcsRamRole],
    choose(inputs, env) {
        const roleName = inputs[Inputs.EcsRamRole];
        if (!/^[A-Za-z0-9._-]{1,64}$/.test(roleName))
            throw new InputError(Inputs.EcsRamRole, `${JSON.stringify(roleName)} is not a RAM role name (1 to 64 of A-Z a-z 0-9 . _ -)`);
        return {
            roleName,
            plainDisabled: env.ALIBABA_CLOUD_IMDSV1_DISABLED?.toLowerCase() === 'true'
        };
    },
    secrets: () => [],
    describe: (settings) => `the instance's RAM role ${settings.roleName} (instance metadata)`,
    obtainTitle: "Getting the instance's RAM role credentials",
    renewable: true,
    create: (settings, context) => new EcsRamRoleCredentials(settings, context)
};
class EcsRamRoleCredentials extends SessionCredentials {
    settings;
    context;
    constructor(settings, context) {
        super(context.clock, context.log, 'ecs_ram_role');
        this.settings = settings;
        this.context = context;
    }
    async obtain() {
        const { clock, log, mask, route } = this.context;
        const { roleName, plainDisabled } = this.settings;
        const keys = await withRetry(OPERATION, () => roleKeys({ endpoint: this.context.metadataEndpoint, route, plainDisabled, mask }, roleName), { clock, log, deadline: clock.now() + RETRY_BUDGET_MS, maxFailures: 4 }, `RAM role ${roleName}`);
        mask(keys.accessKeySecret);
        mask(keys.securityToken);
        log.info(`${this.renewals === 0 ? 'Got' : 'Renewed'} the credentials of the instance's RAM role ${roleName} from the metadata service, ${keys.mode}; valid for ${formatDuration(keys.lifetimeMs)}.`);
        return keys;
    }
}

;// CONCATENATED MODULE: ./src/credentials/environment-keys.ts
/**
 * Credential source: the vendor's variables ALIBABA_CLOUD_ACCESS_KEY_ID,
 * ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN, as the
 * vendor's configure-credentials action sets them.
 */

const environmentKeys = {
    name: 'environment keys',
    chosenBy: [],
    choose(_inputs, env) {
        const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID?.trim();
        const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET?.trim();
        if (!accessKeyId || !accessKeySecret)
            return undefined;
        const securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN?.trim() || undefined;
        return { accessKeyId, accessKeySecret, securityToken };
    },
    secrets: (settings) => [settings.accessKeySecret, settings.securityToken],
    describe: (settings) => `${settings.securityToken ? 'STS token' : 'AccessKey'} from ALIBABA_CLOUD_ACCESS_KEY_ID`,
    renewable: false,
    create: (settings) => new StaticCredentials(settings.accessKeyId, settings.accessKeySecret, settings.securityToken)
};

;// CONCATENATED MODULE: ./src/credentials/id-token.ts
/**
 * The job's GitHub ID token, asked for as @actions/core's `getIDToken` asks
 * (GET the runner's ACTIONS_ID_TOKEN_REQUEST_URL with `&audience=`, a bearer
 * request token, `{ "value": <token> }` back), but through the action's one
 * bounded exchange: `getIDToken` has no time limit and retries on its own
 * schedule. __tests__/contract/id-token.test.ts compares the two requests.
 */




const id_token_OPERATION = 'GetIDToken';
async function requestIdToken(source, route) {
    const url = new URL(`${source.requestUrl}&audience=${encodeURIComponent(source.audience)}`);
    const where = `GitHub's ID token service at ${url.host}`;
    let status;
    let body;
    try {
        ;
        ({ status, body } = await exchange({
            method: 'GET',
            url,
            headers: {
                accept: 'application/json',
                authorization: `Bearer ${source.requestToken}`,
                'user-agent': 'actions/oidc-client'
            }
        }, route));
    }
    catch (error) {
        throw toApiError(id_token_OPERATION, error, undefined, where);
    }
    const token = status === 200 ? whole(record(parse(body)).value) : undefined;
    if (token)
        return token;
    throw new ApiError({
        operation: id_token_OPERATION,
        code: status === 200 ? 'UnparsableResponse' : `HTTP${status}`,
        message: `${where} answered HTTP ${status}${status === 200 ? ' without a token' : ''}; check that the job has "permissions: id-token: write"`,
        statusCode: status,
        transient: status === 200 || status === 429 || status >= 500,
        throttled: status === 429
    });
}
function parse(body) {
    try {
        return parseJson(body);
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/credentials/sts.ts
/**
 * STS 2015-04-01 AssumeRoleWithOIDC, in the form the vendor's credentials
 * library (@alicloud/credentials) sends it: anonymous (the OIDC token is the
 * proof); `Action`, `Version`, `Format=JSON` and `Timestamp` in the query; the
 * five parameters in a form body, so the token never appears in a URL. Sent
 * through the one bounded exchange (net/exchange.ts), read by its shape
 * (api/answer.ts). __tests__/contract/credentials-library.test.ts compares the
 * request and the host choice with the library's.
 */





const STS_API_VERSION = '2015-04-01';
const ACTION = 'AssumeRoleWithOIDC';
/**
 * The STS host when `sts-endpoint` is not given, as the library chooses it:
 * `ALIBABA_CLOUD_STS_REGION` picks the regional host, and with
 * `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true` its VPC host; otherwise the
 * central one.
 */
function defaultStsHost(env) {
    const region = env.ALIBABA_CLOUD_STS_REGION;
    const vpc = env.ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED?.toLowerCase() === 'true';
    if (!region)
        return 'sts.aliyuncs.com';
    return vpc ? `sts-vpc.${region}.aliyuncs.com` : `sts.${region}.aliyuncs.com`;
}
/** The vendor's encoding of a query or form: `key=encodeURIComponent(value)`, in order. */
function sts_form(fields) {
    return Object.entries(fields)
        .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
        .join('&');
}
/** `yyyy-MM-ddTHH:mm:ssZ`, UTC, from the runner's wall clock (as the library does). */
function timestamp(wall) {
    return new Date(wall).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
/** The request, field for field as `@alicloud/credentials` builds it. */
function assumeRoleRequest(endpoint, params, wall = Date.now()) {
    const query = sts_form({
        Version: STS_API_VERSION,
        Action: ACTION,
        Format: 'JSON',
        Timestamp: timestamp(wall)
    });
    return {
        method: 'POST',
        url: new URL(`${endpoint.protocol}://${endpoint.host}/?${query}`),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: sts_form({
            OIDCProviderArn: params.providerArn,
            OIDCToken: params.oidcToken,
            RoleArn: params.roleArn,
            RoleSessionName: params.sessionName,
            DurationSeconds: `${params.durationSeconds}`
        })
    };
}
function createStsClient(options) {
    const where = `STS at ${options.endpoint.host}`;
    return {
        async assumeRoleWithOidc(params) {
            const resource = `role ${params.roleArn}`;
            options.log.debug(`→ ${ACTION} (parameters in the body)`);
            try {
                const response = await exchange(assumeRoleRequest(options.endpoint, params), options.route);
                const body = readAnswer(response, { operation: ACTION, resource });
                options.log.debug(`← ${ACTION} HTTP ${response.status} RequestId ${parse_text(body.RequestId) ?? '-'}`);
                const duration = params.durationSeconds * 1000;
                return sts_keysOf(body, resource, (expiration) => Math.min(duration, lifetime(expiration, serverTime(response), duration)));
            }
            catch (error) {
                throw toApiError(ACTION, error, resource, where);
            }
        }
    };
}
function sts_keysOf(body, resource, lifetimeOf) {
    const credentials = record(body.Credentials);
    const accessKeyId = whole(credentials.AccessKeyId);
    const accessKeySecret = whole(credentials.AccessKeySecret);
    const securityToken = whole(credentials.SecurityToken);
    if (!accessKeyId || !accessKeySecret || !securityToken)
        throw unparsable(ACTION, 'the response has no Credentials', resource);
    return {
        accessKeyId,
        accessKeySecret,
        securityToken,
        lifetimeMs: lifetimeOf(parse_text(credentials.Expiration))
    };
}

;// CONCATENATED MODULE: ./src/credentials/oidc-session.ts
/**
 * Credentials from an OIDC token exchanged with STS AssumeRoleWithOIDC,
 * renewed ahead of their expiry with a fresh token, so a wait of several hours
 * keeps working whatever the session lifetime. Shared by the GitHub OIDC and
 * the token-file sources. Every secret obtained is masked first.
 */






const MIN_SESSION_SECONDS = 900;
const MAX_SESSION_SECONDS = 43_200;
/** How long one role assumption may keep retrying (inside the step's deadline). */
const STS_RETRY_BUDGET_MS = 60_000;
/** A valid RoleSessionName (2–64 of A-Za-z0-9.@_-) derived from the run. */
function deriveSessionName(origin) {
    const raw = `github-${origin.runId ?? 'local'}-${origin.runAttempt ?? '1'}`;
    return raw.replace(/[^A-Za-z0-9.@_-]/g, '-').slice(0, 64);
}
function checkSessionName(sessionName) {
    if (!/^[A-Za-z0-9.@_-]{2,64}$/.test(sessionName))
        throw new InputError(Inputs.RoleSessionName, `"${sessionName}" must be 2 to 64 characters of A-Z a-z 0-9 . @ _ -`);
    return sessionName;
}
function sessionSeconds(inputs) {
    const text = inputs[Inputs.RoleSessionExpiration] ?? '3600';
    const seconds = Number(text);
    if (!Number.isInteger(seconds) || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS)
        throw new InputError(Inputs.RoleSessionExpiration, `must be a whole number of seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}, not "${text}"`);
    return seconds;
}
/** A fresh OIDC token is asked for again when STS says the last one expired between issue and check. */
const EXPIRED_TOKEN = 'AuthenticationFail.OIDCToken.Expired';
class OidcCredentials extends SessionCredentials {
    role;
    token;
    context;
    constructor(role, 
    /** A fresh OIDC token (GitHub's ID token, or the token file's content). */
    token, context) {
        super(context.clock, context.log, 'oidc_role_arn');
        this.role = role;
        this.token = token;
        this.context = context;
    }
    async obtain() {
        const { clock, log, mask } = this.context;
        const sts = createStsClient({
            endpoint: this.context.stsEndpoint,
            route: this.context.route,
            log
        });
        const obtainedAt = clock.now();
        const keys = await withRetry('AssumeRoleWithOIDC', async () => {
            const oidcToken = await this.token();
            mask(oidcToken);
            return sts.assumeRoleWithOidc({ ...this.role, oidcToken });
        }, {
            clock,
            log,
            deadline: obtainedAt + STS_RETRY_BUDGET_MS,
            recover: [(error) => error.code === EXPIRED_TOKEN]
        }, `role ${this.role.roleArn}`);
        mask(keys.accessKeySecret);
        mask(keys.securityToken);
        const renewedIn = renewAt(obtainedAt, keys.lifetimeMs) - obtainedAt;
        log.info(`${this.renewals === 0 ? 'Assumed' : 'Renewed'} role ${this.role.roleArn} (session ${this.role.sessionName}); valid for ${formatDuration(keys.lifetimeMs)}, renewed in ${formatDuration(renewedIn)}.`);
        return keys;
    }
}

;// CONCATENATED MODULE: ./src/credentials/github-oidc.ts
/**
 * Credential source: GitHub OIDC. The job's ID token (credentials/id-token.ts)
 * is exchanged with STS AssumeRoleWithOIDC for temporary keys, renewed with a
 * fresh token before they expire: no long-lived keys in the repository.
 */




/** ARNs are checked against the whole value: nothing may follow them (a line break, a command). */
const ROLE_ARN = /^acs:ram::\d+:role\/[A-Za-z0-9._@+=,/-]+$/i;
const PROVIDER_ARN = /^acs:ram::\d+:oidc-provider\/[A-Za-z0-9._@+=,/-]+$/i;
const DEFAULT_AUDIENCE = 'sts.aliyuncs.com';
const githubOidc = {
    name: 'GitHub OIDC',
    chosenBy: [Inputs.RoleToAssume, Inputs.OidcProviderArn],
    reads: [Inputs.RoleSessionName, Inputs.RoleSessionExpiration, Inputs.Audience],
    choose(inputs, env, origin) {
        const role = oidcRole(inputs, inputs[Inputs.RoleSessionName] ?? deriveSessionName(origin));
        const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
        const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
        if (!requestUrl || !requestToken)
            throw new InputError(Inputs.RoleToAssume, 'needs the job\'s GitHub ID token, but the runner did not offer one (ACTIONS_ID_TOKEN_REQUEST_URL is not set): add "permissions: id-token: write" to the workflow or the job');
        const audience = inputs[Inputs.Audience] ?? DEFAULT_AUDIENCE;
        return { ...role, token: { requestUrl, requestToken, audience } };
    },
    secrets: (settings) => [settings.token.requestToken],
    describe: (settings) => `GitHub OIDC, role ${settings.roleArn}`,
    obtainTitle: 'Assuming the RAM role with OIDC',
    renewable: true,
    // A fresh ID token for every session: GitHub's ID tokens live minutes, not hours.
    create: (settings, context) => new OidcCredentials(settings, () => requestIdToken(settings.token, context.route), context)
};
/** The role and provider ARNs, the session name and its lifetime, checked. */
function oidcRole(inputs, sessionName) {
    const roleArn = inputs[Inputs.RoleToAssume];
    const providerArn = inputs[Inputs.OidcProviderArn];
    if (!roleArn)
        throw new InputError(Inputs.RoleToAssume, `is required with ${Inputs.OidcProviderArn}`);
    if (!providerArn)
        throw new InputError(Inputs.OidcProviderArn, `is required with ${Inputs.RoleToAssume}`);
    if (!ROLE_ARN.test(roleArn))
        throw new InputError(Inputs.RoleToAssume, `${JSON.stringify(roleArn)} is not a RAM role ARN (acs:ram::<account-id>:role/<name>)`);
    if (!PROVIDER_ARN.test(providerArn))
        throw new InputError(Inputs.OidcProviderArn, `${JSON.stringify(providerArn)} is not an OIDC provider ARN (acs:ram::<account-id>:oidc-provider/<name>)`);
    return {
        roleArn,
        providerArn,
        sessionName: checkSessionName(sessionName),
        durationSeconds: sessionSeconds(inputs)
    };
}

;// CONCATENATED MODULE: ./src/credentials/oidc-token-file.ts
/**
 * Credential source: the vendor's OIDC variables ALIBABA_CLOUD_ROLE_ARN,
 * ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE (a token
 * kept fresh by whatever wrote it), read again for every session.
 */


const oidcTokenFile = {
    name: 'OIDC token file',
    chosenBy: [],
    reads: [Inputs.RoleSessionName, Inputs.RoleSessionExpiration],
    choose(inputs, env, origin) {
        const roleArn = env.ALIBABA_CLOUD_ROLE_ARN?.trim();
        const providerArn = env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN?.trim();
        const path = env.ALIBABA_CLOUD_OIDC_TOKEN_FILE?.trim();
        if (!roleArn || !providerArn || !path)
            return undefined;
        const sessionName = env.ALIBABA_CLOUD_ROLE_SESSION_NAME?.trim() ||
            inputs[Inputs.RoleSessionName] ||
            deriveSessionName(origin);
        return {
            roleArn,
            providerArn,
            path,
            sessionName: checkSessionName(sessionName),
            durationSeconds: sessionSeconds(inputs)
        };
    },
    secrets: () => [],
    describe: (settings) => `OIDC token file ALIBABA_CLOUD_OIDC_TOKEN_FILE, role ${settings.roleArn}`,
    obtainTitle: 'Assuming the RAM role with OIDC',
    renewable: true,
    create: (settings, context) => new OidcCredentials(settings, async () => (await (await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 455, 23))).readFile(settings.path, 'utf8')).trim(), context)
};

;// CONCATENATED MODULE: ./src/credentials/source.ts
function chosen(source, settings) {
    return {
        source: source.name,
        settings,
        renewable: source.renewable,
        obtainTitle: source.obtainTitle,
        secrets: () => source.secrets(settings).filter((secret) => Boolean(secret)),
        describe: () => source.describe(settings),
        create: (context) => source.create(settings, context)
    };
}

;// CONCATENATED MODULE: ./src/credentials/sources.ts
/**
 * Every credential source, in the order they are tried, none probed:
 * a source chosen by inputs wins, and inputs of two sources are an error; with
 * no credential input, the vendor's environment variables are read, keys before
 * a token file. Add a source here, in a file of its own (docs/design.md).
 */








const SOURCES = [
    ecsRamRole,
    githubOidc,
    accessKeys,
    environmentKeys,
    oidcTokenFile
];
/** Every input any source reads, for inputs/settings.ts to read. */
const CREDENTIAL_INPUTS = [
    ...new Set(SOURCES.flatMap((source) => [...source.chosenBy, ...(source.reads ?? [])]))
];
/** The one source this run uses. */
function chooseCredentials(inputs, env, origin) {
    const asked = SOURCES.filter((source) => source.chosenBy.some((name) => inputs[name]));
    if (asked.length > 1)
        throw mixed(asked, inputs);
    const candidates = asked.length ? asked : SOURCES.filter((source) => !source.chosenBy.length);
    for (const source of candidates) {
        const settings = source.choose(inputs, env, origin);
        if (settings !== undefined)
            return chosen(source, settings);
    }
    throw new InputError(Inputs.AccessKeyId, `and the other credential inputs are empty, and ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET are not set: give ${Inputs.RoleToAssume} with ${Inputs.OidcProviderArn} (GitHub OIDC), or ${Inputs.AccessKeyId} with ${Inputs.AccessKeySecret}`);
}
/** Inputs of two sources: name the first source's input, and the others it was given with. */
function mixed(asked, inputs) {
    const given = (source) => source.chosenBy.filter((name) => inputs[name]);
    const [first, ...rest] = asked;
    return new InputError(given(first)[0], `cannot be combined with ${rest.flatMap(given).join(', ')}; choose one way to authenticate`);
}

;// CONCATENATED MODULE: ./src/ecs/endpoints.ts
/**
 * Default ECS hosts. Most regions use ecs.<region-id>.aliyuncs.com; the
 * regions below are those the vendor's endpoint data (the endpoint map of
 * @alicloud/ecs20140526 7.11.6) names differently: finance, government and
 * other special regions. __tests__/contract/endpoints.test.ts checks this table
 * against the SDK, so that it cannot drift.
 */
const SPECIAL_HOSTS = {
    'cn-hangzhou': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shanghai-finance-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shenzhen-finance-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-north-2-gov-1': 'ecs.aliyuncs.com',
    'ap-northeast-2-pop': 'ecs.aliyuncs.com',
    'cn-beijing-finance-pop': 'ecs.aliyuncs.com',
    'cn-beijing-gov-1': 'ecs.aliyuncs.com',
    'cn-beijing-nu16-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-edge-1': 'ecs.cn-qingdao-nebula.aliyuncs.com',
    'cn-fujian': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-haidian-cm12-c01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-bj-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-finance': 'ecs.aliyuncs.com',
    'cn-hangzhou-internal-prod-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-internal-test-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-internal-test-2': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-internal-test-3': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hangzhou-test-306': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-hongkong-finance-pop': 'ecs.aliyuncs.com',
    'cn-huhehaote-nebula-1': 'ecs.cn-qingdao-nebula.aliyuncs.com',
    'cn-shanghai-et15-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shanghai-et2-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shanghai-inner': 'ecs.aliyuncs.com',
    'cn-shanghai-internal-test-1': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shenzhen-inner': 'ecs.aliyuncs.com',
    'cn-shenzhen-st4-d01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-shenzhen-su18-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-wuhan': 'ecs.aliyuncs.com',
    'cn-yushanfang': 'ecs.aliyuncs.com',
    'cn-zhangbei': 'ecs.aliyuncs.com',
    'cn-zhangbei-na61-b01': 'ecs-cn-hangzhou.aliyuncs.com',
    'cn-zhangjiakou-na62-a01': 'ecs.cn-zhangjiakou.aliyuncs.com',
    'cn-zhengzhou-nebula-1': 'ecs.cn-qingdao-nebula.aliyuncs.com',
    'eu-west-1-oxs': 'ecs.cn-shenzhen-cloudstone.aliyuncs.com',
    'rus-west-1-pop': 'ecs.aliyuncs.com'
};
function defaultEcsEndpoint(regionId) {
    return Object.hasOwn(SPECIAL_HOSTS, regionId)
        ? SPECIAL_HOSTS[regionId]
        : `ecs.${regionId}.aliyuncs.com`;
}
/** The regions whose host is not the regional pattern. */
const SPECIAL_REGIONS = Object.keys(SPECIAL_HOSTS);

;// CONCATENATED MODULE: ./src/github.ts
const number = (value) => {
    const parsed = Number.parseInt(value ?? '', 10);
    return Number.isFinite(parsed) ? parsed : undefined;
};
function runOrigin(env = process.env) {
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    return {
        repository: owner && repo ? `${owner}/${repo}` : undefined,
        runId: number(env.GITHUB_RUN_ID),
        runAttempt: number(env.GITHUB_RUN_ATTEMPT),
        job: env.GITHUB_JOB || undefined,
        step: env.GITHUB_ACTION || undefined,
        sha: env.GITHUB_SHA || undefined,
        serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com'
    };
}
/** The workflow run's page, and the commit's. */
function runLinks(origin) {
    const base = origin.repository ? `${origin.serverUrl}/${origin.repository}` : undefined;
    return {
        run: base && origin.runId !== undefined
            ? `${base}/actions/runs/${origin.runId}${origin.runAttempt ? `/attempts/${origin.runAttempt}` : ''}`
            : undefined,
        commit: base && origin.sha ? `${base}/commit/${origin.sha}` : undefined
    };
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/inputs/client-token.ts
/**
 * The default ClientToken: unique to this step's execution. It names the run
 * and its attempt (a re-run starts a fresh build) and ends with a part chosen
 * once per step, so two matrix legs or two steps of one job never share one,
 * while every retry of this step's start request repeats it (so a retried
 * request never starts a second build).
 */



const MAX_CLIENT_TOKEN = 64;
function deriveClientToken(origin, nonce = (0,external_node_crypto_namespaceObject.randomBytes)(12).toString('hex')) {
    return `gha-${origin.runId ?? 'local'}-${origin.runAttempt ?? '1'}-${nonce}`.slice(0, MAX_CLIENT_TOKEN);
}
function checkClientToken(token) {
    if (token.length > MAX_CLIENT_TOKEN)
        throw new InputError(Inputs.ClientToken, `is ${token.length} characters long; at most ${MAX_CLIENT_TOKEN} are allowed`);
    if (!/^[\x21-\x7e]+$/.test(token))
        throw new InputError(Inputs.ClientToken, 'must be printable ASCII without spaces');
    return token;
}
/** The ClientToken of the start after the `round`-th wait (if-running: wait): at most 64 characters. */
function retryToken(token, round) {
    return `${token.slice(0, MAX_CLIENT_TOKEN - 9)}-w${round}`;
}

;// CONCATENATED MODULE: ./src/inputs/defaults.ts
/**
 * Every input's default, in one place. The runner passes action.yml's
 * defaults itself; these are what the code assumes when an input is empty
 * (a local run, a test), and __tests__/repo/docs.test.ts ties each one to
 * action.yml, so the two cannot drift.
 */

const DEFAULTS = {
    [Inputs.Wait]: 'true',
    [Inputs.Timeout]: '60m',
    [Inputs.PollInterval]: '10s',
    [Inputs.MaxPollInterval]: '60s',
    [Inputs.OnTimeout]: 'cancel',
    [Inputs.CancelOnJobCancel]: 'true',
    [Inputs.IfRunning]: 'fail',
    [Inputs.AllowPartialSuccess]: 'false',
    [Inputs.RoleSessionExpiration]: '3600',
    [Inputs.Audience]: 'sts.aliyuncs.com',
    [Inputs.MetadataEndpoint]: '100.100.100.200',
    [Inputs.ProvenanceTags]: 'true'
};

;// CONCATENATED MODULE: ./src/inputs/endpoints.ts
/**
 * Endpoints as users give them (`endpoint`, `sts-endpoint`,
 * `metadata-endpoint`): `host`, `host:port` or `scheme://host[:port]`, judged
 * by a real URL parser, and nothing else.
 */

/** Loopback hosts, as the URL parser writes them (it turns `127.1` into `127.0.0.1`). */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
/**
 * `host`, `host:port` or `scheme://host[:port]`, judged by a real URL parser:
 * no user info, path, query or fragment; `http://` only for loopback hosts.
 */
function parseEndpoint(name, value) {
    const url = endpointUrl(name, value);
    const protocol = url.protocol.slice(0, -1);
    const hostname = url.hostname;
    const host = url.host;
    if (protocol === 'http' && !LOOPBACK.test(hostname)) {
        throw new InputError(name, `uses plain http:// for "${hostname}"; http is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]); use https://`);
    }
    return { host, protocol };
}
/** The instance metadata service's address on every ECS instance. */
const METADATA_HOST = '100.100.100.200';
/**
 * `host[:port]` or `http://host[:port]`: the metadata service speaks plain HTTP,
 * so only its own address or a loopback host (an emulator) is accepted.
 */
function parseMetadataEndpoint(name, value) {
    const url = endpointUrl(name, value, 'http');
    if (url.protocol !== 'http:')
        throw new InputError(name, `must be plain http:// (the metadata service speaks nothing else)`);
    if (url.hostname !== METADATA_HOST && !LOOPBACK.test(url.hostname))
        throw new InputError(name, `must be the metadata service (${METADATA_HOST}) or a loopback host, not "${url.hostname}"`);
    return { host: url.host, protocol: 'http' };
}
function endpointUrl(name, value, scheme = 'https') {
    const example = '(e.g. ecs-vpc.cn-hangzhou.aliyuncs.com)';
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${scheme}://${value}`;
    let url;
    try {
        url = new URL(withScheme);
    }
    catch {
        throw new InputError(name, `"${value}" is not a host name or URL ${example}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new InputError(name, `must use https:// (or http:// for loopback), not ${url.protocol}//`);
    if (url.username || url.password || /@/.test(value))
        throw new InputError(name, `must not contain user info ("user@"): give the host alone ${example}`);
    if (url.pathname !== '/' ||
        url.search ||
        url.hash ||
        /[?#]/.test(value) ||
        /\/\/[^/]*\/./.test(withScheme))
        throw new InputError(name, `must be a host, with no path, query or fragment ${example}`);
    return url;
}

;// CONCATENATED MODULE: ./src/inputs/tags.ts
const MAX_TAGS = 20;
function parseTags(text) {
    const entries = text
        .split(/[\n,]/)
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
    if (entries.length > MAX_TAGS) {
        throw new Error(`has ${entries.length} tags; at most ${MAX_TAGS} are allowed`);
    }
    const seen = new Set();
    return entries.map((entry) => {
        const eq = entry.indexOf('=');
        if (eq < 0)
            throw new Error(`"${entry}" is not key=value`);
        const tag = { key: entry.slice(0, eq).trim(), value: entry.slice(eq + 1).trim() };
        checkTag(tag);
        if (seen.has(tag.key))
            throw new Error(`has the key "${tag.key}" twice`);
        seen.add(tag.key);
        return tag;
    });
}
/** Where the build came from: the repository, the run (`run-id/attempt`) and the commit. */
function provenanceTags(origin) {
    const tags = [];
    if (origin.repository)
        tags.push({ key: 'github-repository', value: origin.repository });
    if (origin.runId !== undefined)
        tags.push({ key: 'github-run', value: `${origin.runId}/${origin.runAttempt ?? 1}` });
    if (origin.sha)
        tags.push({ key: 'github-sha', value: origin.sha });
    return tags;
}
/** The user's tags, then each provenance tag whose key the user did not take; at most MAX_TAGS. */
function withProvenance(tags, provenance) {
    const taken = new Set(tags.map((tag) => tag.key));
    const added = provenance.filter((tag) => !taken.has(tag.key));
    added.forEach(checkTag);
    const all = [...tags, ...added];
    if (all.length > MAX_TAGS)
        throw new Error(`has ${tags.length} tags, and with ${added.length} provenance tags (${added.map((t) => t.key).join(', ')}) that makes ${all.length}; at most ${MAX_TAGS} are allowed: remove some, or set provenance-tags: false`);
    return all;
}
function checkTag({ key, value }) {
    if (key.length < 1 || key.length > 128) {
        throw new Error(`key "${key}" must be 1 to 128 characters`);
    }
    const lower = key.toLowerCase();
    if (lower.startsWith('aliyun') || lower.startsWith('acs:')) {
        throw new Error(`key "${key}" must not start with "aliyun" or "acs:"`);
    }
    if (/https?:\/\//i.test(key))
        throw new Error(`key "${key}" must not contain http:// or https://`);
    if (value.length > 128)
        throw new Error(`value of "${key}" is longer than 128 characters`);
    if (/https?:\/\//i.test(value)) {
        throw new Error(`value of "${key}" must not contain http:// or https://`);
    }
}

;// CONCATENATED MODULE: ./src/inputs/settings.ts
/**
 * Every input, parsed once into one typed, validated settings object. The only
 * file that reads inputs. A bad input throws an InputError naming it, before any
 * request is sent.
 */












const MIN_POLL_INTERVAL_MS = 1000;
/** A self-hosted job's longest run. */
const MAX_TIMEOUT_MS = 5 * 24 * 3_600_000;
const MAX_INTERVAL_MS = 3_600_000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** An input's trimmed value, or its default; a control character (a line break, say) is refused. */
function input(name) {
    const value = getInput(name).trim() || DEFAULTS[name] || '';
    if (CONTROL.test(value))
        throw new InputError(name, 'contains a control character (a line break?); give one line');
    return value;
}
/** The tags input: one tag a line, so line breaks are its separators; other controls are refused. */
function tagsInput() {
    const value = getInput(Inputs.Tags);
    if (CONTROL.test(value.replace(/\r?\n/g, '')))
        throw new InputError(Inputs.Tags, 'contains a control character other than a line break');
    return value;
}
function optional(name) {
    return input(name) || undefined;
}
function parseBoolean(name, value, fallback) {
    if (value === '')
        return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true')
        return true;
    if (lower === 'false')
        return false;
    throw new InputError(name, `must be true or false, not "${value}"`);
}
function parseChoice(name, value, choices, fallback) {
    if (value === '')
        return fallback;
    const found = choices.find((choice) => choice === value.toLowerCase());
    if (!found)
        throw new InputError(name, `must be one of ${choices.join(', ')}, not "${value}"`);
    return found;
}
function durationInput(name, maxMs) {
    const raw = input(name);
    try {
        const ms = parseDuration(raw);
        if (ms <= 0)
            throw new Error('must be longer than zero');
        if (ms > maxMs)
            throw new Error(`is longer than the limit, ${formatDuration(maxMs)}`);
        return ms;
    }
    catch (error) {
        throw new InputError(name, error.message.startsWith('"')
            ? error.message
            : `"${raw}" ${error.message}`);
    }
}
/** The tags input, with the provenance tags unless provenance-tags is false; at most 20 in all. */
function tagsWithProvenance(origin) {
    const tags = parseTagsInput(tagsInput());
    if (!parseBoolean(Inputs.ProvenanceTags, input(Inputs.ProvenanceTags), true))
        return tags;
    try {
        return withProvenance(tags, provenanceTags(origin));
    }
    catch (error) {
        throw new InputError(Inputs.Tags, error.message);
    }
}
function parseTagsInput(value) {
    try {
        return parseTags(value);
    }
    catch (error) {
        throw new InputError(Inputs.Tags, error.message);
    }
}
/** Every input, read and checked; `nonce` makes the default ClientToken unique to this step. */
function getSettings(env = process.env, origin = runOrigin(env), nonce) {
    const regionId = regionInput(env);
    const credentialInputs = {};
    for (const name of CREDENTIAL_INPUTS)
        credentialInputs[name] = optional(name);
    return {
        regionId,
        ...targetInputs(),
        tags: tagsWithProvenance(origin),
        ...waitInputs(),
        clientToken: checkClientToken(optional(Inputs.ClientToken) ?? deriveClientToken(origin, nonce)),
        clientTokenGiven: Boolean(optional(Inputs.ClientToken)),
        ...endpointInputs(regionId, env),
        credentialSource: chooseCredentials(credentialInputs, env, origin),
        origin
    };
}
/** Where the services are: ECS, STS and the metadata service. */
function endpointInputs(regionId, env) {
    return {
        ecsEndpoint: parseEndpoint(Inputs.Endpoint, optional(Inputs.Endpoint) ?? defaultEcsEndpoint(regionId)),
        stsEndpoint: parseEndpoint(Inputs.StsEndpoint, optional(Inputs.StsEndpoint) ?? defaultStsHost(env)),
        metadataEndpoint: parseMetadataEndpoint(Inputs.MetadataEndpoint, optional(Inputs.MetadataEndpoint) ?? METADATA_HOST)
    };
}
function regionInput(env) {
    const regionId = input(Inputs.RegionId) || env.ALIBABA_CLOUD_REGION_ID?.trim() || '';
    if (!regionId)
        throw new InputError(Inputs.RegionId, 'is required (or set ALIBABA_CLOUD_REGION_ID)');
    if (!/^[a-z]{2,}(-[a-z0-9]+)+$/.test(regionId)) {
        throw new InputError(Inputs.RegionId, `"${regionId}" is not a region ID (e.g. cn-hangzhou)`);
    }
    return regionId;
}
/** What to build or follow: a pipeline by ID or name, or an existing execution. */
function targetInputs() {
    const pipelineId = optional(Inputs.ImagePipelineId);
    const pipelineName = optional(Inputs.ImagePipelineName);
    const executionId = optional(Inputs.ExecutionId);
    if (pipelineId && pipelineName) {
        throw new InputError(Inputs.ImagePipelineName, `cannot be combined with ${Inputs.ImagePipelineId}; give one of them`);
    }
    if (!pipelineId && !pipelineName && !executionId) {
        throw new InputError(Inputs.ImagePipelineId, `is required (or give ${Inputs.ImagePipelineName}, or ${Inputs.ExecutionId} to wait for an existing execution)`);
    }
    if (pipelineId && !/^[A-Za-z0-9_-]{1,64}$/.test(pipelineId)) {
        throw new InputError(Inputs.ImagePipelineId, `"${pipelineId}" is not an image pipeline ID (e.g. ip-2ze5tsl5bp6nf2b3xxxx)`);
    }
    if (executionId && !/^[A-Za-z0-9_-]{1,64}$/.test(executionId)) {
        throw new InputError(Inputs.ExecutionId, `"${executionId}" is not an execution ID (e.g. exec-5fb8facb8ed7427cxxxx)`);
    }
    return { pipelineId, pipelineName, executionId };
}
/** How to wait, and what the end means. */
function waitInputs() {
    const timeoutMs = durationInput(Inputs.Timeout, MAX_TIMEOUT_MS);
    const pollIntervalMs = durationInput(Inputs.PollInterval, MAX_INTERVAL_MS);
    const maxPollIntervalMs = durationInput(Inputs.MaxPollInterval, MAX_INTERVAL_MS);
    if (pollIntervalMs < MIN_POLL_INTERVAL_MS)
        throw new InputError(Inputs.PollInterval, 'must be at least 1s');
    if (maxPollIntervalMs < pollIntervalMs) {
        throw new InputError(Inputs.MaxPollInterval, `must not be shorter than ${Inputs.PollInterval}`);
    }
    const choice = (name, choices) => parseChoice(name, input(name), choices, choices[0]);
    const flag = (name, fallback) => parseBoolean(name, input(name), fallback);
    return {
        waitForEnd: flag(Inputs.Wait, true),
        timeoutMs,
        pollIntervalMs,
        maxPollIntervalMs,
        onTimeout: choice(Inputs.OnTimeout, ['cancel', 'leave']),
        cancelOnJobCancel: flag(Inputs.CancelOnJobCancel, true),
        ifRunning: choice(Inputs.IfRunning, ['fail', 'wait', 'attach']),
        allowPartialSuccess: flag(Inputs.AllowPartialSuccess, false)
    };
}

;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
;// CONCATENATED MODULE: ./src/net/proxy.ts
/**
 * Which way each request goes: straight, or through the proxy the environment
 * names (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, either case), with the runner's
 * and @actions/http-client's semantics, decided by http-client's own
 * `getProxyUrl`. https goes through a CONNECT tunnel (`https-proxy-agent`),
 * plain http through a forwarding proxy (`http-proxy-agent`); certificates are
 * verified by Node's defaults (a TLS-inspecting proxy's CA comes through
 * NODE_EXTRA_CA_CERTS). Loopback hosts (http-client's rule) and the instance
 * metadata service are never proxied. Proxy credentials are masked, and a
 * proxy is named without them.
 */




/** A proxy variable that is set but names no usable HTTP proxy. */
class ProxySettingError extends Error {
    constructor(variable, problem) {
        super(`The environment variable ${variable} ${problem}`);
        this.name = 'ProxySettingError';
    }
}
/** A proxy, as messages name it: scheme, host and port, never the credentials. */
function proxyName(proxy) {
    return `${proxy.protocol}//${proxy.host}`;
}
/**
 * The router for this step. `mask` takes the proxies' credentials before
 * anything is logged. A malformed proxy variable is an error when the first
 * request that would use it is routed (http-client would drop it silently).
 */
function createRouter(mask) {
    const direct = {
        'http:': { agent: new external_node_http_namespaceObject.Agent({ keepAlive: true }) },
        'https:': { agent: new external_node_https_namespaceObject.Agent({ keepAlive: true }) }
    };
    const proxied = new Map();
    return (url) => {
        const proxy = url.hostname === METADATA_HOST ? undefined : getProxyUrl(url);
        if (!proxy)
            return direct[url.protocol] ?? direct['https:'];
        const key = `${url.protocol} ${proxy.href}`;
        let route = proxied.get(key);
        if (!route) {
            route = proxyRoute(url.protocol, proxy, mask);
            proxied.set(key, route);
        }
        return route;
    };
}
/** The agents load only when a proxy is in use: most runs never need them. */
async function proxyRoute(protocol, proxy, mask) {
    const variable = protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    if ((proxy.protocol !== 'http:' && proxy.protocol !== 'https:') || !proxy.hostname)
        throw new ProxySettingError(variable, 'is not an HTTP proxy URL: give http://[user:password@]host[:port] (or https://)');
    for (const secret of [proxy.password, encodeURIComponent(proxy.password)])
        if (secret)
            mask(secret);
    // http-client's URL holds the credentials decoded; the agents decode them once more.
    const target = new URL(proxyName(proxy));
    target.username = encodeURIComponent(proxy.username);
    target.password = encodeURIComponent(proxy.password);
    const agent = protocol === 'https:'
        ? new (await Promise.all(/* import() */[__nccwpck_require__.e(411), __nccwpck_require__.e(566)]).then(__nccwpck_require__.bind(__nccwpck_require__, 566))).HttpsProxyAgent(target, { keepAlive: true })
        : new (await Promise.all(/* import() */[__nccwpck_require__.e(411), __nccwpck_require__.e(947)]).then(__nccwpck_require__.bind(__nccwpck_require__, 947))).HttpProxyAgent(target, { keepAlive: true });
    return { agent, proxy: proxyName(proxy) };
}

;// CONCATENATED MODULE: ./src/run/context.ts
const chosenSource = (settings, context) => settings.credentialSource.create(context);
/** A failure whose summary is already written: the message is the whole story. */
class ReportedFailure extends Error {
    constructor(message) {
        super(message);
        this.name = 'ReportedFailure';
    }
}

;// CONCATENATED MODULE: ./src/runner/runner.ts
/**
 * The one door to the runner: every log line, annotation and group title, every
 * output, every piece of state and the job summary leave the action here, and
 * only here (the one other user of @actions/core, inputs/settings.ts, only
 * reads). Everything is scrubbed of secrets first, then made safe for what
 * reads it (./text.ts): the runner's command parser for stdout, GFM for the
 * summary. Secrets are masked through `runnerMask` (../secrets.ts calls it).
 * A runner file that cannot be written (a full disk, a path that is
 * a directory) is an error that names the file.
 */


/** A runner file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY) that could not be written. */
class RunnerFileError extends Error {
    file;
    constructor(file, what, cause) {
        const path = process.env[file];
        const reason = cause?.code ?? cause?.message ?? cause;
        super(`Could not write ${what} to ${file}${path ? ` (${forLog(path, 300)})` : ''}: ${reason}`);
        this.file = file;
        this.name = 'RunnerFileError';
    }
}
function writing(file, what, write) {
    try {
        return write();
    }
    catch (error) {
        throw new RunnerFileError(file, what, error);
    }
}
/** Tells the runner to mask a secret (`::add-mask::`); runner-side escaping is @actions/core's. */
function runnerMask(secret) {
    core_setSecret(secret);
}
/** The runner's log: every line scrubbed, then defused. */
function runnerLog(secrets) {
    const line = (message) => forLog(secrets.scrub(message));
    return {
        debug: (message) => core_debug(line(message)),
        info: (message) => info(line(message)),
        warning: (message) => warning(line(message)),
        notice: (message) => notice(line(message)),
        group: (name, fn) => group(line(name), fn)
    };
}
function actionsRunner(secrets) {
    return {
        log: runnerLog(secrets),
        setOutput: (name, value) => writing('GITHUB_OUTPUT', `the output ${name}`, () => setOutput(name, forOutput(secrets.scrub(value)))),
        state: {
            get: (name) => getState(name),
            set: (name, value) => writing('GITHUB_STATE', `what the post step needs (${name})`, () => saveState(name, forOutput(secrets.scrub(value))))
        },
        writeSummary: async (markdown) => {
            try {
                // In markdown, *** would be emphasis: the mark goes in as entities.
                await summary.addRaw(capSummary(secrets.scrub(markdown, '&#42;&#42;&#42;'))).write();
            }
            catch (error) {
                throw new RunnerFileError('GITHUB_STEP_SUMMARY', 'the job summary', error);
            }
            finally {
                summary.emptyBuffer();
            }
        },
        fail: (message) => setFailed(forLog(secrets.scrub(message)))
    };
}

;// CONCATENATED MODULE: ./src/secrets.ts
/**
 * Every secret the action holds (keys, tokens, STS credentials, the ID token,
 * a proxy's password): masked in the runner's log when it becomes known, and
 * scrubbed from any text before that text is logged, summarised, set as an
 * output or put into the step's failure. The service may echo a request back
 * in an error, so text from it can carry a secret too.
 */

const REDACTED = '***';
class Secrets {
    mask;
    values = new Set();
    /** `mask` tells the runner (runner/runner.ts `runnerMask`); tests pass their own. */
    constructor(mask) {
        this.mask = mask;
    }
    /**
     * Masks the secret at once, and scrubs it from now on: as it is, URL-encoded,
     * and as the log and the summary would show it (escaped), since they are
     * scrubbed after the text was made safe for them.
     */
    add = (secret) => {
        if (!secret)
            return;
        this.mask(secret);
        const plain = /^[A-Za-z0-9+/=.-]*$/.test(secret);
        for (const form of [
            secret,
            encodeURIComponent(secret),
            encodeURIComponent(secret).replace(/%20/g, '+'),
            // What the log and the summary would make of it: only a key of plain characters shows as itself.
            ...(plain ? [] : [showInvisible(secret), summaryText(secret)])
        ]) {
            // Short values would scrub ordinary words: GitHub does not mask them either.
            if (form.length >= 4)
                this.values.add(form);
        }
    };
    /** `text` with every secret replaced by `***` (or `redacted`: markdown wants it as entities). */
    scrub = (text, redacted = REDACTED) => {
        let result = text;
        // Longest first, so that no part of a secret survives a shorter one's replacement.
        for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
            result = result.split(value).join(redacted);
        }
        return result;
    };
}

;// CONCATENATED MODULE: ./src/state.ts
/**
 * What passes from the main step to the post step (GITHUB_STATE): written and
 * read only here, through the runner's state store, so both steps' logic is
 * testable without the runner.
 */

class PostStepState {
    store;
    constructor(store) {
        this.store = store;
    }
    /** The execution is known; `guarded` when the post step is to cancel it if the main step is killed. */
    execution(executionId, guarded) {
        this.store.set(State.ExecutionId, executionId);
        if (guarded)
            this.store.set(State.Guard, 'true');
    }
    /** The main step needs no backstop: the post step does nothing. */
    done() {
        this.store.set(State.Done, 'true');
    }
    cancelRequested() {
        this.store.set(State.CancelRequested, 'true');
    }
    /** The main step's cancel failed: the post step tries again, and says why it is trying. */
    cancelFailed(words) {
        this.store.set(State.CancelFailed, words);
    }
    /** The credentials are dead: the post step, with the same ones, cannot cancel either. */
    credentialsRefused(code) {
        this.store.set(State.CredentialsRefused, code);
    }
    read() {
        return {
            executionId: this.store.get(State.ExecutionId) || undefined,
            guarded: this.store.get(State.Guard) === 'true',
            done: this.store.get(State.Done) === 'true',
            cancelRequested: this.store.get(State.CancelRequested) === 'true',
            cancelFailed: this.store.get(State.CancelFailed) || undefined,
            credentialsRefused: this.store.get(State.CredentialsRefused) || undefined
        };
    }
}

;// CONCATENATED MODULE: ./src/post/cleanup.ts
/**
 * The post step: the backstop. If the main step started a build, was told to
 * guard it, and did not record that it ended or that a cancel settled it (it
 * was killed first, or its own cancel failed), cancel it by ID with the
 * routine the main step uses, and say truthfully why. Never fails the job.
 */











/** The post step's budget: GitHub gives a cancelled job's post steps little time. */
const POST_CANCEL_BUDGET_MS = 25_000;
function postDependencies(overrides) {
    const secrets = overrides.secrets ?? new Secrets(runnerMask);
    const runner = actionsRunner(secrets);
    return {
        clock: systemClock,
        stateStore: runner.state,
        log: runner.log,
        secrets,
        env: process.env,
        route: overrides.route ?? createRouter(secrets.add),
        makeProvider: chosenSource,
        connect: connectEcs,
        ...overrides
    };
}
async function cleanup(overrides = {}) {
    const deps = postDependencies(overrides);
    const facts = new PostStepState(deps.stateStore).read();
    const executionId = facts.executionId;
    if (!executionId || !facts.guarded || facts.done)
        return;
    if (facts.cancelRequested) {
        deps.log.info(`A cancel was already requested for execution ${executionId}.`);
        return;
    }
    const why = whyHere(facts);
    if (facts.credentialsRefused) {
        deps.log.warning(`Execution ${executionId} may still be running (${why}), and the service refused this step's credentials (${facts.credentialsRefused}), which cannot be renewed, so the post step cannot cancel it either. Cancel it in the ECS console.`);
        return;
    }
    let words;
    try {
        deps.log.info(`Cancelling execution ${executionId}: ${why}.`);
        const cancel = await cancelWith(deps, executionId);
        if (cancel.settled)
            return deps.log.info(`Execution ${executionId}: ${cancel.words}.`);
        words = cancel.words;
    }
    catch (error) {
        words = `${describeError(error)}; cancel it in the ECS console`;
    }
    deps.log.warning(`Could not cancel execution ${executionId} (${why}): ${words}.`);
}
/** Why the post step has work: what the main step recorded, in words. */
function whyHere(facts) {
    return facts.cancelFailed
        ? `the main step tried to cancel it and failed: ${facts.cancelFailed}`
        : 'the main step stopped before it recorded an end for the build (the run was cancelled, or the step was killed)';
}
async function cancelWith(deps, executionId) {
    const { clock, log, secrets } = deps;
    const settings = getSettings(deps.env);
    for (const secret of settings.credentialSource.secrets())
        secrets.add(secret);
    const provider = deps.makeProvider(settings, {
        stsEndpoint: settings.stsEndpoint,
        metadataEndpoint: settings.metadataEndpoint,
        route: deps.route,
        log,
        clock,
        mask: secrets.add
    });
    const client = deps.connect(settings, provider, log, deps.route);
    const ecs = withPolicy(client, {
        clock,
        log,
        deadline: clock.now() + POST_CANCEL_BUDGET_MS,
        recover: [(error) => provider.refused(error)]
    });
    return cancelBuild(ecs, executionId, POST_CANCEL_BUDGET_MS);
}


/***/ }),

/***/ 783:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.r(__webpack_exports__);
/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Model: () => (/* binding */ Model),
/* harmony export */   toMap: () => (/* binding */ toMap)
/* harmony export */ });
/**
 * Bundled in place of `@alicloud/tea-typescript` (src/stubs/README.md):
 * `@alicloud/openapi-util` and `@alicloud/tea-util` import it for their model
 * classes (a base class at load) and the tea transport; the signing functions
 * the action calls use neither. Anything else reached throws.
 */
class Model {
    constructor(map) {
        if (map)
            Object.assign(this, map);
    }
}
function toMap() {
    throw new Error('@alicloud/tea-typescript is not bundled with this action (see src/stubs/README.md)');
}


/***/ }),

/***/ 613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 480:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("querystring");

/***/ }),

/***/ 203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 18:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 16:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 23:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(661);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
